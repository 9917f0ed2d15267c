import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api, createWorkspace, type LocalServer, startServer } from "../test-cli/harness";
import { launchBrowser, screenshot, seriousViolations, signIn } from "./browser";

/** Answers with the capital of the country it is given, through the echo provider. */
const CAPITALS = {
  input_variables: [{ key: "country", type: "STRING", required: true }],
  model: { provider: "echo", name: "echo" },
  blocks: [{ role: "user", template: '{% if country == "France" %}Paris{% elif country == "Japan" %}Tokyo{% else %}I do not know{% endif %}' }],
};

const CASES = [
  { name: "France", inputs: { country: "France" }, assertions: [{ type: "exact_match", value: "Paris" }] },
  { name: "Japan", inputs: { country: "Japan" }, expected: "Tokyo", assertions: [{ type: "contains" }, { type: "regex", pattern: "^T\\w+$" }] },
  { name: "Italy", inputs: { country: "Italy" }, assertions: [{ type: "contains", value: "Rome", case_sensitive: false }] },
];

let server: LocalServer;
let browser: Browser;
let adminKey: string;
let suiteId: string;

beforeAll(async () => {
  [server, browser] = await Promise.all([startServer(), launchBrowser()]);
  adminKey = await createWorkspace(server, "Test suites in a browser");
  const sandbox = await api<{ id: string }>(server, adminKey, "POST", "/v1/sandboxes", { name: "capitals", kind: "prompt", spec: CAPITALS });
  await api(server, adminKey, "POST", `/v1/sandboxes/${sandbox.id}/deploy`, { deployment_name: "capitals", environments: ["development", "staging"] });
  const suite = await api<{ id: string }>(server, adminKey, "POST", "/v1/test-suites", {
    name: "Capitals",
    description: "Knows the capitals of France and Japan",
    deployment: "capitals",
    cases: CASES,
  });
  suiteId = suite.id;
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

async function accessible(page: Page, name: string) {
  expect(await seriousViolations(page)).toEqual([]);
  await screenshot(page, name);
}

describe("test suites in a browser", () => {
  it("runs a suite against staging's live release from its page and shows each case's result", async () => {
    const page = await signIn(browser, server, adminKey, { bypassCSP: true });
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Test suites" }).click();
    await page.waitForURL(`${server.url}/test-suites`);
    const row = page.locator(`tr[data-suite="${suiteId}"]`);
    expect(await row.innerText()).toContain("Never run");
    await accessible(page, "test-suites");

    await row.getByRole("link", { name: "Capitals" }).click();
    await page.waitForURL(`${server.url}/test-suites/${suiteId}`);
    expect(await page.getByRole("heading", { level: 1 }).innerText()).toBe("Capitals");
    expect(await page.locator("tbody tr[data-case]").count()).toBe(3);
    expect(await page.locator("body").innerText()).toContain("The output contains “Rome” (ignoring case)");
    await accessible(page, "test-suite");

    await page.getByLabel("Release").selectOption({ label: "staging: v1 (live, LATEST)" });
    await page.getByRole("button", { name: "Run against release" }).click();
    await page.waitForURL(/\/test-suite-runs\/tsr_[^?]+\?done=ran$/);
    expect(await page.getByRole("status").innerText()).toBe("The suite ran: 2 of 3 cases passed.");
    const results = page.locator("tbody tr[data-case]");
    expect(await results.count()).toBe(3);
    expect(await results.nth(0).innerText()).toContain("✓ Passed");
    expect(await results.nth(2).innerText()).toContain("✗ Failed");
    expect(await results.nth(2).innerText()).toContain("I do not know");
    const summary = await page.locator(".ts-summary").innerText();
    expect(summary).toContain("67 %");
    expect(summary).toContain("v1 in staging");
    await accessible(page, "test-suite-run");

    await page.getByRole("link", { name: /Back to the suite/ }).click();
    expect(await page.locator("tr[data-run]").count()).toBe(1);
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Test suites" }).click();
    expect(await page.locator(`tr[data-suite="${suiteId}"]`).innerText()).toContain("67 %");
    await page.context().close();
  });

  it("reads on a phone", async () => {
    const page = await signIn(browser, server, adminKey, { viewport: { width: 390, height: 844 }, isMobile: true });
    await page.goto(`${server.url}/test-suites`);
    await screenshot(page, "test-suites-phone");
    // The table scrolls sideways inside its own wrapper; the page's main content stays within the screen.
    expect(await page.evaluate(() => document.querySelector("main")!.scrollWidth)).toBeLessThanOrEqual(390);
    expect(await page.getByRole("region", { name: "Test suites table" }).evaluate((wrapper) => wrapper.scrollWidth > wrapper.clientWidth)).toBe(true);
    await page.context().close();
  });
});
