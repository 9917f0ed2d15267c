import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createWorkspace, type LocalServer, startServer } from "../test-cli/harness";
import { launchBrowser, screenshot, seriousViolations, signIn } from "./browser";

let server: LocalServer;
let browser: Browser;
let adminKey: string;

beforeAll(async () => {
  [server, browser] = await Promise.all([startServer(), launchBrowser()]);
  adminKey = await createWorkspace(server, "API keys in a browser");
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

async function accessible(page: Page, name: string) {
  expect(await seriousViolations(page)).toEqual([]);
  await screenshot(page, name);
}

/** The status of an API call made with `key`. */
async function apiStatus(key: string) {
  const res = await fetch(`${server.url}/v1/environments/staging`, { headers: { authorization: `Bearer ${key}` } });
  return res.status;
}

describe("API keys in a browser", () => {
  it("creates a key, copies it with the copy button, uses it against the API, and revokes it", async () => {
    const page = await signIn(browser, server, adminKey, { bypassCSP: true, permissions: ["clipboard-read", "clipboard-write"] });
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "API keys" }).click();
    await page.waitForURL(`${server.url}/api-keys`);
    expect(await page.locator("tbody tr[data-key]").count()).toBe(1);
    await accessible(page, "api-keys");

    await page.getByLabel("Name").fill("Support bot");
    await page.getByLabel("Environment").selectOption("staging");
    await page.getByLabel(/^execute/).check();
    await page.getByLabel("Expires on (optional)").fill("2099-12-31");
    await page.getByRole("button", { name: "Create key" }).click();
    await page.waitForURL(`${server.url}/api-keys`);
    expect(await page.getByRole("heading", { level: 1 }).innerText()).toBe("Key “Support bot” created");
    expect(await page.getByRole("alert").innerText()).toContain("It will not be shown again");
    const shown = (await page.locator("#new-key").innerText()).trim();
    expect(shown).toMatch(/^sc_/);
    await accessible(page, "api-key-created");

    await page.getByRole("button", { name: "Copy key" }).click();
    const copy = page.locator('button[data-copy="#new-key"]');
    await expect.poll(() => copy.innerText()).toBe("Copied");
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    expect(copied).toBe(shown);
    expect(await apiStatus(copied)).toBe(200);

    // A reload does not show the key again: the page holds it only in the answer to the form.
    await page.goto(`${server.url}/api-keys`);
    expect(await page.locator("body").innerText()).not.toContain(shown);
    const row = page.locator('tbody tr[data-key]:has-text("Support bot")');
    expect(await row.innerText()).toContain("execute, read");
    expect(await row.innerText()).toContain("staging");

    await row.getByRole("link", { name: /^Revoke Support bot/ }).click();
    await page.waitForURL(/\/api-keys\/key_[^/]+\/revoke$/);
    expect(await page.getByRole("heading", { level: 1 }).innerText()).toBe("Revoke the key “Support bot”?");
    await accessible(page, "api-key-revoke");
    await page.getByRole("button", { name: "Revoke Support bot" }).click();
    await page.waitForURL(`${server.url}/api-keys?done=revoked`);
    expect(await page.getByRole("status").innerText()).toContain("The key was revoked.");
    expect(await page.locator('tbody tr[data-key]:has-text("Support bot")').getAttribute("data-state")).toBe("revoked");
    expect(await apiStatus(copied)).toBe(401);
    await page.context().close();
  });

  it("reads on a phone", async () => {
    const page = await signIn(browser, server, adminKey, { viewport: { width: 390, height: 844 }, isMobile: true });
    await page.goto(`${server.url}/api-keys`);
    await screenshot(page, "api-keys-phone");
    expect(await page.evaluate(() => document.querySelector("main")!.scrollWidth)).toBeLessThanOrEqual(390);
    await page.context().close();
  });
});
