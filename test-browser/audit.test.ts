import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api, createWorkspace, type LocalServer, startServer } from "../test-cli/harness";
import { launchBrowser, screenshot, seriousViolations, signIn } from "./browser";

let server: LocalServer;
let browser: Browser;
let adminKey: string;

beforeAll(async () => {
  [server, browser] = await Promise.all([startServer(), launchBrowser()]);
  adminKey = await createWorkspace(server, "Audit test");
  await api(server, adminKey, "PATCH", "/v1/environments/production", { required_approvals: 2 });
  await api(server, adminKey, "POST", "/v1/api-keys", { name: "ci", scopes: ["read"] });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe("audit log in a browser", () => {
  it("shows the chain verified, filters by action, and opens an event's before and after", { timeout: 60_000 }, async () => {
    const page = await signIn(browser, server, adminKey, { bypassCSP: true });
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Audit log" }).click();
    await page.waitForURL(`${server.url}/audit`);
    expect(await page.getByRole("status").innerText()).toMatch(/Chain verified: \d+ events/);
    expect(await page.locator("tr[data-action]").count()).toBeGreaterThan(2);

    await page.getByLabel("Action").selectOption("environment.updated");
    await page.getByRole("button", { name: "Filter" }).click();
    await page.waitForURL(/action=environment\.updated/);
    const actions = await page.locator("tr[data-action]").evaluateAll((rows) => rows.map((r) => r.getAttribute("data-action")));
    expect(actions).toEqual(["environment.updated"]);
    await page.getByText("Before and after").click();
    expect(await page.locator("tr[data-action] pre").last().innerText()).toContain('"required_approvals": 2');
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, "audit");
    await page.context().close();
  });
});
