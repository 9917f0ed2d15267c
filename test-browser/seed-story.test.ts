import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api, createWorkspace, type LocalServer, startServer } from "../test-cli/harness";
import { launchBrowser, screenshot, signIn } from "./browser";

// What a workspace holds when a product manager first opens the dashboard, seeded as scripts/start.mjs seeds the demo:
// the prompt "faq" deployed to development and staging, a "faq smoke" suite that production's test gate requires, and v1 promoted to production.
const SPEC = {
  input_variables: [
    { key: "question", type: "STRING", required: true },
    { key: "product", type: "STRING", default: "Stagecraft" },
  ],
  model: { provider: "echo", name: "echo", parameters: { temperature: 0 } },
  blocks: [
    { role: "system", template: "You answer questions about {{ product }}." },
    { role: "user", template: "{{ question }}" },
  ],
};
const NEW_TEMPLATE = "Answer briefly: {{ question }}";
const QUESTION = "How do I roll back?";
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

type Release = { id: string; version: number; environment: string; source: { type: string; release_id?: string } };

let server: LocalServer;
let browser: Browser;
let adminKey: string;
let suiteId: string;
let productionV1: string;

beforeAll(async () => {
  [server, browser] = await Promise.all([startServer(), launchBrowser()]);
  adminKey = await createWorkspace(server, "Seed story");
  const sandbox = await api<{ id: string }>(server, adminKey, "POST", "/v1/sandboxes", {
    name: "faq",
    kind: "prompt",
    spec: SPEC,
    scenarios: [{ name: "pricing", inputs: { question: "How much does it cost?" } }],
  });
  const deployed = await api<{ releases: Release[] }>(server, adminKey, "POST", `/v1/sandboxes/${sandbox.id}/deploy`, {
    deployment_name: "faq",
    environments: ["development", "staging"],
    release_tags: ["v1.0.0"],
    description: "First version",
  });
  const staging = deployed.releases.find((r) => r.environment === "staging")!;
  const suite = await api<{ id: string }>(server, adminKey, "POST", "/v1/test-suites", {
    name: "faq smoke",
    // start.mjs says "What production's test gate requires…": words a user wrote, which a staging key would read; this test looks for production's data.
    description: "What every faq release must pass before it goes live",
    deployment: "faq",
    cases: [{ name: "roll back", inputs: { question: QUESTION }, assertions: [{ type: "contains", value: "roll back" }] }],
  });
  suiteId = suite.id;
  await api(server, adminKey, "PATCH", "/v1/environments/production", { test_gate: { min_pass_rate: 1, untested: "refuse" } });
  await api(server, adminKey, "POST", `/v1/test-suites/${suite.id}/runs`, { release_id: staging.id });
  await api(server, adminKey, "POST", `/v1/releases/${staging.id}/promote`, { environments: ["production"], release_tags: ["v1.0.0"] });
  productionV1 = (await history("production"))[0]!.id;
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

async function history(environment: string): Promise<Release[]> {
  return (await api<{ data: Release[] }>(server, adminKey, "GET", `/v1/deployments/faq/releases?environment=${environment}`)).data;
}

/** axe-core's serious and critical violations, injected through the DevTools protocol so the page keeps its real CSP. */
async function seriousViolations(page: Page): Promise<string[]> {
  await page.evaluate(AXE_SOURCE);
  const results = await page.evaluate(() => (globalThis as unknown as { axe: { run: () => Promise<{ violations: { id: string; impact: string }[] }> } }).axe.run());
  return results.violations.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => `${v.id} on ${page.url()}`);
}

/** Console errors and CSP violations on the page; a page's own 403 or 404 status is checked where it is expected, not reported here. */
function collectConsoleErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on("console", (message) => {
    if (/Failed to load resource: the server responded with a status of 40[34]/.test(message.text())) return;
    if (message.type() === "error" || /Content.Security.Policy/i.test(message.text())) errors.push(`${page.url()}: ${message.text()}`);
  });
  page.on("pageerror", (error) => errors.push(`${page.url()}: ${error.message}`));
  return errors;
}

let step = 0;
/** Checks the page with axe-core and saves its full-page screenshot as story-<n>-<name>.png. */
async function record(page: Page, name: string) {
  step += 1;
  expect(await seriousViolations(page), name).toEqual([]);
  await screenshot(page, `story-${String(step).padStart(2, "0")}-${name}`);
}

const region = (page: Page, environment: string) => page.getByRole("region", { name: `Release history in ${environment}` });

/** Presses Tab until the element `selector` matches has the focus; checks every element focused on the way shows a focus outline. */
async function tabTo(page: Page, selector: string) {
  for (let i = 0; i < 120; i++) {
    await page.keyboard.press("Tab");
    const focused = await page.evaluate((target) => {
      const el = document.activeElement;
      if (!el || el === document.body) return null;
      const style = getComputedStyle(el);
      return {
        matches: el.matches(target),
        outline: style.outlineStyle,
        width: Number.parseFloat(style.outlineWidth),
        tag: el.tagName,
        text: (el.textContent ?? "").trim().slice(0, 40),
      };
    }, selector);
    if (!focused) continue;
    expect(focused.outline, `focus outline on ${focused.tag} "${focused.text}"`).not.toBe("none");
    expect(focused.width, `focus outline width on ${focused.tag} "${focused.text}"`).toBeGreaterThan(0);
    if (focused.matches) return;
  }
  throw new Error(`Tab never reached ${selector}`);
}

describe("the seeded demo, as a product manager uses it", () => {
  it("edits, runs, deploys, compares, tests, promotes by keyboard and reverts through the dashboard; the API then serves what the page shows live", async () => {
    const started = Date.now();
    const page = await signIn(browser, server, adminKey);
    const errors = collectConsoleErrors(page);
    await record(page, "overview");

    // 1. Sandboxes → faq → edit the user template in the code editor → Save → Run → Deploy to development and staging.
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Sandboxes" }).click();
    await page.waitForURL(`${server.url}/sandboxes`);
    await record(page, "sandboxes");
    await page.getByRole("rowheader").getByRole("link", { name: "faq", exact: true }).click();
    await page.waitForURL(/\/sandboxes\/sbx_[^/?]+$/);
    await page.locator(".cm-editor").first().waitFor();
    const editor = page.getByRole("textbox", { name: "Message 2 template", exact: true });
    await editor.click();
    await page.keyboard.press("ControlOrMeta+A");
    await page.keyboard.press("Delete");
    await page.keyboard.type(NEW_TEMPLATE);
    expect(await editor.innerText()).toBe(NEW_TEMPLATE);
    await record(page, "editor-edited");
    await page.getByRole("button", { name: /^Save revision 2$/ }).click();
    await page.waitForURL(/\?done=saved$/);
    expect(await page.getByRole("status").innerText()).toBe("Saved as a new revision.");
    await page.locator(".cm-editor").first().waitFor();
    await record(page, "editor-saved");

    await page.getByLabel("Environment").selectOption("staging");
    await page.getByLabel("Scenario", { exact: true }).selectOption("pricing");
    await page.getByRole("button", { name: "Run revision 2" }).click();
    await expect.poll(() => page.locator("#run-output").innerText()).toBe("Answer briefly: How much does it cost?");
    await page.locator(".cm-editor").first().waitFor();
    await record(page, "editor-run");

    const deploy = page.getByRole("region", { name: "Deploy" });
    await deploy.getByLabel("development", { exact: true }).check();
    await deploy.getByLabel("staging", { exact: true }).check();
    expect(await deploy.getByLabel("production", { exact: true }).count()).toBe(0);
    expect(await deploy.getByLabel("Deployment name").inputValue()).toBe("faq");
    await deploy.getByLabel("Release tags").fill("v1.1.0");
    await deploy.getByLabel("Description").fill("Shorter answers");
    await deploy.getByRole("button", { name: "Deploy revision 2" }).click();
    await page.waitForURL(/\/deployments\/faq\?released=/);
    const status = await page.getByRole("status").innerText();
    expect(status).toContain("Released into development as v2.");
    expect(status).toContain("Released into staging as v2.");
    for (const environment of ["development", "staging"]) {
      const live = region(page, environment).locator("tr.live");
      expect(await live.locator("th").innerText()).toMatch(/v2\s*live/);
      expect(await live.innerText()).toContain("sandbox revision 2");
    }
    await record(page, "deployed");

    // 2. Compare staging's new release with production's live one.
    await region(page, "staging").locator("tr.live").getByRole("link", { name: "Compare with production live (v1)" }).click();
    await page.waitForURL(/\/compare\?to=/);
    expect(await page.locator(".change-list").innerText()).toContain("Message 2 changed");
    expect(await page.locator("pre.diff .added").first().innerText()).toContain(NEW_TEMPLATE);
    expect(await page.locator("pre.diff .removed").first().innerText()).toContain("{{ question }}");
    await record(page, "compare");

    // 3. Test suites → faq smoke → run against staging's live release.
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Test suites" }).click();
    await page.waitForURL(`${server.url}/test-suites`);
    await record(page, "test-suites");
    await page.getByRole("link", { name: "faq smoke" }).click();
    await page.waitForURL(`${server.url}/test-suites/${suiteId}`);
    await record(page, "test-suite");
    const stagingOption = page.locator("#run-release option", { hasText: /^staging: v2 / });
    await page.getByLabel("Release").selectOption(await stagingOption.getAttribute("value"));
    await page.getByRole("button", { name: "Run against release" }).click();
    await page.waitForURL(/\/test-suite-runs\/tsr_[^?]+\?done=ran$/);
    expect(await page.getByRole("status").innerText()).toBe("The suite ran: 1 of 1 cases passed.");
    const result = page.locator("tbody tr[data-case]");
    expect(await result.count()).toBe(1);
    expect(await result.innerText()).toContain("✓ Passed");
    expect(await result.innerText()).toContain("Answer briefly: How do I roll back?");
    const summary = await page.locator(".ts-summary").innerText();
    expect(summary).toContain("100 %");
    expect(summary).toContain("v2 in staging");
    await record(page, "test-run");

    // 4. Back to the deployment and promote staging v2 into production, by keyboard only.
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Overview" }).click();
    await page.locator('tr[data-deployment="faq"]').getByRole("link", { name: "faq", exact: true }).click();
    await page.waitForURL(`${server.url}/deployments/faq`);
    await tabTo(page, 'a[aria-label="Promote staging v2…"]');
    await page.keyboard.press("Enter");
    await page.waitForURL(/\/releases\/rel_[^/]+\/promote$/);
    const production = page.locator('[data-target="production"]');
    expect(await production.innerText()).toContain("at least 100%");
    expect(await production.innerText()).toContain("faq smoke: latest run passed 1 of 1 cases (100%)");
    expect(await production.innerText()).toContain("Passes now.");
    await tabTo(page, "#target-production");
    await page.keyboard.press("Space");
    expect(await page.locator("#target-production").isChecked()).toBe(true);
    await record(page, "promote");
    await tabTo(page, "form.promote button[type=submit]");
    await page.keyboard.press("Enter");
    await page.waitForURL(/\/deployments\/faq\?released=/);
    expect(await page.getByRole("status").innerText()).toContain("Released into production as v2.");
    expect(await region(page, "production").locator("tr.live").innerText()).toMatch(/v2\s*live[\s\S]*promoted from\s+staging v2/);
    await record(page, "promoted");

    // 5. Revert production through the confirmation page.
    await page.getByRole("link", { name: "Revert production…" }).click();
    await page.waitForURL(`${server.url}/deployments/faq/environments/production/revert`);
    expect(await page.locator("dl.revert-summary dd").nth(1).innerText()).toMatch(/^v1, created .+ by Initial admin key \(promoted from staging v1\)$/);
    await record(page, "revert");
    await page.getByRole("button", { name: "Revert production to v1" }).click();
    await page.waitForURL(/\/deployments\/faq\?reverted=/);
    expect(await page.getByRole("status").innerText()).toContain("Reverted production: it now serves v3.");
    const productionLive = region(page, "production").locator("tr.live");
    expect(await productionLive.innerText()).toMatch(/v3\s*live[\s\S]*revert to\s+v1/);
    expect(await region(page, "production").locator("tbody tr").count()).toBe(3);
    await record(page, "reverted");

    // 6. Every step is in the history (above) and in the audit log, whose chain verifies.
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Audit log" }).click();
    await page.waitForURL(`${server.url}/audit`);
    expect(await page.locator("[data-chain]").innerText()).toMatch(/^Chain verified: \d+ events/);
    const actions = await page.locator("tr[data-action]").evaluateAll((rows) => rows.map((r) => r.getAttribute("data-action")));
    for (const action of ["sandbox.updated", "release.deployed", "test_suite_run.completed", "release.promoted", "release.reverted"]) expect(actions).toContain(action);
    await record(page, "audit");
    await page.getByLabel("Action").selectOption("release.promoted");
    await page.getByRole("button", { name: "Filter" }).click();
    await page.waitForURL(/\/audit\?action=release\.promoted/);
    const promotedRows = page.locator("tr[data-action]");
    // The seed's promotion of v1 and the one made through the page.
    expect(await promotedRows.count()).toBe(2);
    expect(await page.locator("[data-chain]").innerText()).toMatch(/^Chain verified/);
    await record(page, "audit-promoted");

    // 7. The next invoke in production serves the release the deployment page shows live.
    await page.goto(`${server.url}/deployments/faq`);
    const liveHref = await region(page, "production").locator("tr.live th a").getAttribute("href");
    const liveId = liveHref?.match(/^\/releases\/(rel_[^/?]+)$/)?.[1];
    expect(liveId).toBeTruthy();
    await region(page, "production").locator("tr.live th a").click();
    await page.waitForURL(`${server.url}${liveHref}`);
    const liveTemplate = (await page.locator(".blocks > li").nth(1).innerText()).trim();
    expect(liveTemplate).toContain("{{ question }}");
    await record(page, "live-release");

    const executeKey = await api<{ key: string }>(server, adminKey, "POST", "/v1/api-keys", { name: "production caller", environment: "production", scopes: ["execute"] });
    const response = await fetch(`${server.url}/v1/execute-prompt`, {
      method: "POST",
      headers: { authorization: `Bearer ${executeKey.key}`, "content-type": "application/json" },
      body: JSON.stringify({ prompt_deployment_name: "faq", inputs: [{ name: "question", type: "STRING", value: QUESTION }] }),
    });
    const body = (await response.json()) as { state: string; outputs: { value: string }[]; release: { id: string; version: number } };
    expect(response.status).toBe(200);
    expect(response.headers.get("x-release-id")).toBe(liveId);
    expect(body.release).toMatchObject({ id: liveId, version: 3 });
    expect(body.state).toBe("FULFILLED");
    // production serves v1's content again: the user template "{{ question }}", which echo answers with.
    expect(body.outputs[0]!.value).toBe(QUESTION);
    expect((await history("production")).find((r) => r.id === liveId)?.source).toMatchObject({ type: "revert", release_id: productionV1 });

    expect(errors).toEqual([]);
    await page.context().close();
    console.log(`story took ${((Date.now() - started) / 1000).toFixed(1)} s`);
  });

  it("shows a staging key's session no production anywhere, and answers 404 for production's pages typed by hand", async () => {
    // Production has executions and a test run of its own, which no page of a staging key may show or count.
    const productionKey = await api<{ key: string }>(server, adminKey, "POST", "/v1/api-keys", {
      name: "production reader",
      environment: "production",
      scopes: ["read", "execute"],
    });
    const stagingKey = await api<{ key: string }>(server, adminKey, "POST", "/v1/api-keys", {
      name: "staging releaser",
      environment: "staging",
      scopes: ["read", "execute", "deploy", "promote"],
    });
    const invoke = (key: string) =>
      api<{ execution_id: string }>(server, key, "POST", "/v1/execute-prompt", { prompt_deployment_name: "faq", inputs: [{ name: "question", type: "STRING", value: QUESTION }] });
    const productionExecutions = [await invoke(productionKey.key), await invoke(productionKey.key)].map((e) => e.execution_id);
    const stagingExecution = (await invoke(stagingKey.key)).execution_id;
    const productionReleases = await history("production");
    const productionRun = await api<{ id: string }>(server, adminKey, "POST", `/v1/test-suites/${suiteId}/runs`, { release_id: productionReleases[0]!.id });
    const runs = await api<{ data: { id: string; environment: string | null }[] }>(server, adminKey, "GET", `/v1/test-suites/${suiteId}/runs`);
    const stagingRuns = runs.data.filter((r) => r.environment !== "production").length;
    expect(runs.data.length).toBeGreaterThan(stagingRuns);
    // Execution records arrive through a queue: wait until each environment lists its own.
    const listed = (key: string) => api<{ data: { id: string }[] }>(server, key, "GET", "/v1/executions").then((r) => r.data.map((e) => e.id));
    await expect.poll(() => listed(productionKey.key), { timeout: 15_000 }).toEqual(expect.arrayContaining(productionExecutions));
    await expect.poll(() => listed(stagingKey.key), { timeout: 15_000 }).toContain(stagingExecution);
    const stagingExecutions = (await listed(stagingKey.key)).length;
    const productionIds = [...productionReleases.map((r) => r.id), ...productionExecutions, productionRun.id];

    const page = await signIn(browser, server, stagingKey.key);
    const errors = collectConsoleErrors(page);
    const origin = server.url;
    const start = [
      "/",
      "/deployments/faq",
      "/sandboxes",
      "/test-suites",
      `/test-suites/${suiteId}`,
      "/approvals",
      "/monitoring",
      "/environments",
      "/environments/staging/executions",
      "/audit",
      "/api-keys",
    ];
    const visited = new Map<string, number>();
    const links = new Set<string>();

    async function inspect(path: string) {
      const response = await page.goto(`${origin}${path}`);
      visited.set(path, response?.status() ?? 0);
      const text = await page.locator("body").innerText();
      // Staging's default description, "Pre-production testing", is the only "production" a staging key may read.
      expect(text, `visible text of ${path}`).not.toMatch(/(?<!pre-)production/i);
      const html = await page.content();
      for (const id of productionIds) expect(html, `${path} names the production object ${id}`).not.toContain(id);
      return page.locator("a[href]").evaluateAll((anchors) => anchors.map((a) => (a as HTMLAnchorElement).href));
    }

    for (const path of start) {
      for (const href of await inspect(path)) {
        const url = new URL(href);
        if (url.origin !== origin || url.pathname.startsWith("/static/")) continue;
        links.add(url.pathname + url.search);
      }
    }
    for (const path of links) if (!visited.has(path)) await inspect(path);
    expect(visited.size).toBeGreaterThan(start.length + 10);
    // The audit log and API keys need scopes this key lacks: those pages say so (403); every other page and link answers.
    const refused = new Set(["/audit", "/api-keys"]);
    for (const [path, status] of visited) expect(status, path).toBe(refused.has(path) ? 403 : 200);

    // Counts are staging's own: its executions, and the suite's runs against staging only.
    await page.goto(`${origin}/environments/staging/executions`);
    expect(await page.locator("tr[data-execution]").count()).toBe(stagingExecutions);
    expect(await page.locator(`tr[data-execution="${stagingExecution}"]`).count()).toBe(1);
    await page.goto(`${origin}/test-suites/${suiteId}`);
    expect(await page.locator("tr[data-run]").count()).toBe(stagingRuns);
    // The navigation offers the staging key nothing to reach production by.
    expect(await page.getByRole("navigation", { name: "Main" }).innerText()).not.toMatch(/production/i);

    const productionLive = productionReleases[0]!.id;
    for (const path of [
      "/deployments/faq/environments/production/revert",
      "/environments/production",
      "/environments/production/monitoring",
      "/environments/production/executions",
      `/releases/${productionLive}`,
      `/releases/${productionLive}/promote`,
      `/releases/${productionLive}/compare?to=${productionLive}`,
      `/executions/${productionExecutions[0]}`,
      `/test-suite-runs/${productionRun.id}`,
    ]) {
      const response = await page.goto(`${origin}${path}`);
      expect(response?.status(), path).toBe(404);
      expect(await page.getByRole("heading", { level: 1 }).innerText(), path).toBe("Not found");
      expect(await page.locator("main").innerText(), path).toContain("There is nothing at this address that this key may see.");
    }
    expect(errors).toEqual([]);
    console.log(`a staging key visited ${visited.size} pages: ${[...visited].map(([path, status]) => `${path} (${status})`).join(" ")}`);
    await page.context().close();
  });
});
