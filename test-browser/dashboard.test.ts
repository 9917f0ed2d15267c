import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api, createWorkspace, type LocalServer, startServer } from "../test-cli/harness";
import { launchBrowser, screenshot, seriousViolations, signIn as signInWith } from "./browser";

const PROMPT = {
  input_variables: [{ key: "question", type: "STRING", required: true }],
  model: { provider: "echo", name: "echo", parameters: {} },
  blocks: [{ role: "user", template: "{{ question }}" }],
};

let server: LocalServer;
let browser: Browser;
let adminKey: string;

beforeAll(async () => {
  [server, browser] = await Promise.all([startServer(), launchBrowser()]);
  adminKey = await createWorkspace(server, "Dashboard test");
  const sandbox = await api<{ id: string }>(server, adminKey, "POST", "/v1/sandboxes", { name: "faq", kind: "prompt", spec: PROMPT });
  await api(server, adminKey, "POST", `/v1/sandboxes/${sandbox.id}/deploy`, { deployment_name: "faq", environments: ["development", "staging"] });
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

function signIn(key: string, options: { bypassCSP?: boolean } = {}): Promise<Page> {
  return signInWith(browser, server, key, options);
}

describe("dashboard in a browser", () => {
  it("signs an admin key in to an overview of the deployed versions, under a strict CSP", async () => {
    const page = await signIn(adminKey);
    const response = await page.reload();
    expect(response?.headers()["content-security-policy"]).toContain("default-src 'none'");
    const row = page.locator('tr[data-deployment="faq"]');
    await expect.poll(() => row.locator("td").nth(0).innerText()).toContain("v1");
    expect(await row.locator("td").nth(1).innerText()).toContain("v1");
    // Production is protected: nothing reaches it but a promotion.
    expect(await row.locator("td").nth(2).innerText()).toContain("not deployed");
    expect(await page.getByRole("navigation", { name: "Main" }).getByRole("link").allInnerTexts()).toEqual(["Overview", "Sandboxes", "Test suites", "Approvals", "Monitoring", "Environments", "API keys", "Audit log"]);
    await screenshot(page, "overview");
    await page.context().close();
  });

  it("shows a staging key's session staging only", async () => {
    const staging = await api<{ key: string }>(server, adminKey, "POST", "/v1/api-keys", { name: "staging reader", environment: "staging", scopes: ["read"] });
    const page = await signIn(staging.key);
    const text = await page.locator("body").innerText();
    expect(text).toContain("staging reader");
    expect(text).toContain("staging");
    expect(text).not.toMatch(/production|development/i);
    // A read-only key would be refused the API keys and audit pages: the navigation does not offer them.
    expect(await page.getByRole("navigation", { name: "Main" }).getByRole("link").allInnerTexts()).toEqual(["Overview", "Sandboxes", "Test suites", "Approvals", "Monitoring", "Environments"]);
    await page.context().close();
  });

  it("changes nothing for a cross-site POST without the CSRF token", async () => {
    const page = await signIn(adminKey);
    // Another site's page with a form that posts to the dashboard, as an attacker would host it.
    await page.route("http://attacker.test/**", (route) =>
      route.fulfill({
        contentType: "text/html",
        body: `<form method="post" action="${server.url}/sign-out"><input type="hidden" name="csrf" value="forged"><button>Win a prize</button></form>`,
      }),
    );
    await page.goto("http://attacker.test/");
    const [response] = await Promise.all([page.waitForResponse(`${server.url}/sign-out`), page.getByRole("button", { name: "Win a prize" }).click()]);
    expect(response.status()).toBe(403);
    await page.goto(`${server.url}/`);
    expect(page.url()).toBe(`${server.url}/`);
    await expect.poll(() => page.getByRole("button", { name: "Sign out" }).count()).toBe(1);
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL(`${server.url}/sign-in`);
    await page.context().close();
  });

  it("signs a revoked key's session out at its next click", async () => {
    const created = await api<{ key: string; id: string }>(server, adminKey, "POST", "/v1/api-keys", { name: "short-lived", scopes: ["read"] });
    const page = await signIn(created.key);
    await api(server, adminKey, "DELETE", `/v1/api-keys/${created.id}`);
    await page.getByRole("link", { name: "Overview" }).click();
    await page.waitForURL(`${server.url}/sign-in`);
    expect(await page.getByLabel("API key").count()).toBe(1);
    await page.context().close();
  });

  it("has no serious or critical accessibility violations on the sign-in and overview pages", async () => {
    const context = await browser.newContext({ bypassCSP: true });
    const page = await context.newPage();
    await page.goto(`${server.url}/sign-in`);
    await screenshot(page, "sign-in");
    expect(await seriousViolations(page)).toEqual([]);
    await context.close();
    const signedIn = await signIn(adminKey, { bypassCSP: true });
    expect(await seriousViolations(signedIn)).toEqual([]);
    await signedIn.context().close();
  });

  it("lets two approvers in two browsers approve a production promotion, which lands once", async () => {
    await api(server, adminKey, "PATCH", "/v1/environments/production", { required_approvals: 2 });
    const staging = await api<{ data: { id: string }[] }>(server, adminKey, "GET", "/v1/deployments/faq/releases?environment=staging");
    // The requester may approve in general; being the requester is what keeps the buttons away.
    const requester = await api<{ key: string }>(server, adminKey, "POST", "/v1/api-keys", { name: "release manager", scopes: ["read", "promote", "approve"] });
    const promoted = await api<{ results: { promotion_request: { id: string } }[] }>(server, requester.key, "POST", `/v1/releases/${staging.data[0]!.id}/promote`, {
      environments: ["production"],
    });
    const id = promoted.results[0]!.promotion_request.id;
    const keys = await Promise.all(
      ["approver one", "approver two"].map((name) => api<{ key: string }>(server, adminKey, "POST", "/v1/api-keys", { name, scopes: ["approve", "read"] })),
    );
    // The requester's own session: no Approve for its request, and a forged post with its valid CSRF token is refused.
    const own = await signIn(requester.key);
    await own.goto(`${server.url}/approvals`);
    await expect.poll(() => own.locator(`tr[data-request="${id}"]`).innerText()).toContain("0 of 2");
    expect(await own.locator(`tr[data-request="${id}"]`).getByRole("button", { name: /^Approve/ }).count()).toBe(0);
    const csrf = await own.locator('input[name="csrf"]').first().inputValue();
    const forged = await own.request.post(`${server.url}/approvals/${id}/approve`, { form: { csrf, comment: "mine" }, headers: { origin: server.url }, maxRedirects: 0 });
    expect(forged.headers().location).toBe("/approvals?refused=SELF_APPROVAL");
    expect((await api<{ approvals: unknown[] }>(server, adminKey, "GET", `/v1/promotion-requests/${id}`)).approvals).toEqual([]);
    await own.context().close();

    const [one, two] = await Promise.all(keys.map((k) => signIn(k.key, { bypassCSP: true })));
    for (const page of [one!, two!]) {
      await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: /Approvals/ }).click();
      await page.waitForURL(`${server.url}/approvals`);
      await expect.poll(() => page.locator(`tr[data-request="${id}"]`).innerText()).toContain("0 of 2");
    }
    expect(await one!.getByRole("navigation", { name: "Main" }).getByRole("link", { name: /Approvals/ }).innerText()).toBe("Approvals (1 pending)");
    expect(await seriousViolations(one!)).toEqual([]);
    await screenshot(one!, "approvals");

    // One approver by keyboard only (label, Tab, Enter), the other by mouse, at the same time.
    await one!.getByLabel("Approve comment").focus();
    await one!.keyboard.type("Checked on staging");
    await one!.keyboard.press("Tab");
    await two!.getByLabel("Approve comment").fill("Ship it");
    await Promise.all([
      one!.keyboard.press("Enter").then(() => one!.waitForURL(/\/approvals\?(done|refused)=/)),
      two!.getByRole("button", { name: /^Approve promotion/ }).click().then(() => two!.waitForURL(/\/approvals\?(done|refused)=/)),
    ]);
    expect(one!.url()).toBe(`${server.url}/approvals?done=approved`);
    expect(two!.url()).toBe(`${server.url}/approvals?done=approved`);
    expect(await one!.getByRole("status").innerText()).toBe("Your approval was recorded.");

    const request = await api<{ status: string; result_release_id: string }>(server, adminKey, "GET", `/v1/promotion-requests/${id}`);
    expect(request.status).toBe("executed");
    const production = await api<{ data: { id: string }[] }>(server, adminKey, "GET", "/v1/deployments/faq/releases?environment=production");
    expect(production.data.map((r) => r.id)).toEqual([request.result_release_id]);
    await one!.reload();
    expect(await one!.locator(`tr[data-request="${id}"]`).count()).toBe(0);
    await one!.context().close();
    await two!.context().close();
  });
});
