import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api, createWorkspace, type LocalServer, startServer } from "../test-cli/harness";
import { launchBrowser, screenshot, seriousViolations, signIn as signInWith } from "./browser";

const prompt = (template: string) => ({
  input_variables: [
    { key: "question", type: "STRING", required: true },
    { key: "tone", type: "STRING", default: "friendly" },
  ],
  model: { provider: "echo", name: "echo", parameters: { temperature: 0.2, max_tokens: 256 } },
  blocks: [
    { role: "system", template: "You answer questions about Stagecraft in a {{ tone }} tone." },
    { role: "user", template },
  ],
});

const WORKFLOW = {
  input_variables: [{ key: "question", type: "STRING" }],
  nodes: [
    { id: "classify", type: "template", template: "{{ inputs.question }}" },
    { id: "short_answer", type: "prompt", prompt: { model: { provider: "echo", name: "echo" }, blocks: [{ role: "user", template: "Briefly: {{ nodes.classify.text }}" }] } },
    { id: "long_answer", type: "prompt", prompt: { model: { provider: "echo", name: "echo" }, blocks: [{ role: "user", template: "In depth: {{ nodes.classify.text }}" }] } },
    { id: "combine", type: "template", template: "{{ nodes.short_answer.text }} / {{ nodes.long_answer.text }}" },
    { id: "answer", type: "output", name: "answer", value: "{{ nodes.combine.text }}" },
  ],
  edges: [
    { from: "classify", to: "short_answer" },
    { from: "classify", to: "long_answer" },
    { from: "short_answer", to: "combine" },
    { from: "long_answer", to: "combine" },
    { from: "combine", to: "answer" },
  ],
};

type Release = { id: string; version: number; source: { type: string; release_id?: string } };

let server: LocalServer;
let browser: Browser;
let adminKey: string;

beforeAll(async () => {
  [server, browser] = await Promise.all([startServer(), launchBrowser()]);
  adminKey = await createWorkspace(server, "Deployments test");
  const sandbox = await api<{ id: string }>(server, adminKey, "POST", "/v1/sandboxes", { name: "faq", kind: "prompt", spec: prompt("{{ question }}") });
  await api(server, adminKey, "POST", `/v1/sandboxes/${sandbox.id}/deploy`, { deployment_name: "faq", environments: ["development", "staging"] });
  await api(server, adminKey, "PATCH", `/v1/sandboxes/${sandbox.id}`, { spec: prompt("Question: {{ question }}\nAnswer in two sentences.") });
  await api(server, adminKey, "POST", `/v1/sandboxes/${sandbox.id}/deploy`, { deployment_name: "faq", environments: ["development"] });
  const workflow = await api<{ id: string }>(server, adminKey, "POST", "/v1/sandboxes", { name: "router", kind: "workflow", spec: WORKFLOW });
  await api(server, adminKey, "POST", `/v1/sandboxes/${workflow.id}/deploy`, { deployment_name: "router", environments: ["development"] });
  // Production gates on tests but lets an untested deployment through, and needs no approval here.
  await api(server, adminKey, "PATCH", "/v1/environments/production", { required_approvals: 0, test_gate: { min_pass_rate: 0.8, untested: "allow" } });
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

function signIn(key: string, options: { bypassCSP?: boolean; viewport?: { width: number; height: number } } = {}): Promise<Page> {
  return signInWith(browser, server, key, options);
}

const productionHistory = () => api<{ data: Release[] }>(server, adminKey, "GET", "/v1/deployments/faq/releases?environment=production");

/** Checks the page with axe-core and saves its screenshot. */
async function inspect(page: Page, name: string) {
  expect(await seriousViolations(page), name).toEqual([]);
  await screenshot(page, name);
}

describe("deployment pages in a browser", () => {
  it("takes an admin from the overview through history, release, compare, promote and revert", async () => {
    const page = await signIn(adminKey, { bypassCSP: true });
    await page.locator('tr[data-deployment="faq"]').getByRole("link", { name: "faq" }).click();
    await page.waitForURL(`${server.url}/deployments/faq`);
    expect(await page.getByRole("heading", { level: 1 }).innerText()).toContain("faq");
    const development = page.getByRole("region", { name: "Release history in development" });
    const staging = page.getByRole("region", { name: "Release history in staging" });
    expect(await development.locator("tbody tr").count()).toBe(2);
    expect(await staging.locator("tbody tr").count()).toBe(1);
    expect(await development.locator("tr.live th").innerText()).toMatch(/v2\s*live/);
    expect(await development.locator("tbody tr").nth(1).innerText()).toContain("sandbox revision 1");
    await inspect(page, "deployment");

    await development.getByRole("link", { name: "v2", exact: true }).click();
    await page.waitForURL(/\/releases\/rel_[^/]+$/);
    expect(await page.getByRole("heading", { level: 1 }).innerText()).toContain("development v2");
    expect(await page.locator("dl.fields").first().innerText()).toContain("sandbox revision 2");
    expect(await page.getByRole("table").innerText()).toContain("tone");
    expect(await page.locator(".blocks").innerText()).toContain("Answer in two sentences.");
    await inspect(page, "release-prompt");

    await page.getByRole("link", { name: "Compare with staging live (v1)" }).click();
    await page.waitForURL(/\/compare\?to=/);
    expect(await page.locator(".change-list").innerText()).toContain("Message 2 changed");
    expect(await page.locator("pre.diff .added").first().innerText()).toContain("Question: {{ question }}");
    expect(await page.locator("pre.diff .removed").first().innerText()).toContain("{{ question }}");
    await inspect(page, "compare");

    await page.getByRole("link", { name: "faq" }).first().click();
    await page.waitForURL(`${server.url}/deployments/faq`);
    await page.getByRole("link", { name: "Promote staging v1…" }).click();
    await page.waitForURL(/\/promote$/);
    const productionTarget = page.locator('[data-target="production"]');
    expect(await productionTarget.innerText()).toContain("Nothing is live in production yet");
    expect(await productionTarget.innerText()).toContain("at least 80%");
    expect(await page.locator('[data-target="development"]').innerText()).toContain("different content");
    await inspect(page, "promote");
    await page.getByLabel("production").check();
    await page.getByRole("button", { name: "Promote" }).click();
    await page.waitForURL(/\/deployments\/faq\?released=/);
    expect(await page.getByRole("status").innerText()).toContain("Released into production as v1.");
    const production = page.getByRole("region", { name: "Release history in production" });
    expect(await production.locator("tbody tr").innerText()).toMatch(/promoted from\s+staging v1/);

    // A second promotion gives production something to revert to.
    await page.getByRole("region", { name: "Release history in development" }).getByRole("link", { name: "Promote development v2…" }).click();
    await page.waitForURL(/\/promote$/);
    await page.getByLabel("production").check();
    await page.getByRole("button", { name: "Promote" }).click();
    await page.waitForURL(/\/deployments\/faq\?released=/);
    expect(await page.getByRole("status").innerText()).toContain("Released into production as v2.");

    await page.getByRole("link", { name: "Revert production…" }).click();
    await page.waitForURL(`${server.url}/deployments/faq/environments/production/revert`);
    const before = await productionHistory();
    const comesBack = page.locator("dl.revert-summary dd").nth(1);
    expect(await comesBack.innerText()).toMatch(/^v1, created .+ by Initial admin key \(promoted from staging v1\)$/);
    await inspect(page, "revert");
    await page.getByRole("button", { name: "Revert production to v1" }).click();
    await page.waitForURL(/\/deployments\/faq\?reverted=/);
    expect(await page.getByRole("status").innerText()).toContain("Reverted production: it now serves v3.");

    const after = await productionHistory();
    expect(after.data.map((r) => r.version)).toEqual([3, 2, 1]);
    expect(after.data[0]!.source).toMatchObject({ type: "revert", release_id: before.data[1]!.id });
    expect(await page.getByRole("region", { name: "Release history in production" }).locator("tr.live th").innerText()).toMatch(/v3\s*live/);
    await page.context().close();
  });

  it("draws a workflow release as a graph", async () => {
    const page = await signIn(adminKey, { bypassCSP: true });
    await page.locator('tr[data-deployment="router"]').getByRole("link", { name: "router" }).click();
    await page.waitForURL(`${server.url}/deployments/router`);
    await page.getByRole("link", { name: "v1", exact: true }).click();
    await page.waitForURL(/\/releases\/rel_[^/]+$/);
    const graph = page.getByRole("img", { name: /Workflow graph: 5 nodes, 5 edges/ });
    expect(await graph.isVisible()).toBe(true);
    expect(await graph.locator("g.node").count()).toBe(5);
    expect(await page.locator("#workflow-nodes > li").count()).toBe(5);
    await inspect(page, "release-workflow");
    await page.context().close();
  });

  it("fits the deployment page on a phone", async () => {
    const page = await signIn(adminKey, { bypassCSP: true, viewport: { width: 390, height: 844 } });
    await page.goto(`${server.url}/deployments/faq`);
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, "deployment-phone");
    // The page's own content stays within the screen; wide tables and the graph scroll inside their labelled regions.
    const wide = await page.evaluate(() =>
      [...document.querySelectorAll("main *")].filter((e) => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1 && !e.closest("[tabindex]")).map((e) => `${e.tagName}.${e.className}`).slice(0, 10),
    );
    expect(wide).toEqual([]);
    await page.context().close();
  });

  it("shows a staging-only key no production anywhere, and a 404 for production's revert page", async () => {
    const key = await api<{ key: string }>(server, adminKey, "POST", "/v1/api-keys", { name: "staging releaser", environment: "staging", scopes: ["read", "promote"] });
    const page = await signIn(key.key);
    await page.getByRole("link", { name: "faq" }).click();
    await page.waitForURL(`${server.url}/deployments/faq`);
    expect(await page.locator("main").innerText()).not.toMatch(/production|development/i);
    expect(await page.getByRole("link", { name: /Promote/ }).count()).toBe(0);
    const response = await page.goto(`${server.url}/deployments/faq/environments/production/revert`);
    expect(response?.status()).toBe(404);
    expect(await page.getByRole("heading", { level: 1 }).innerText()).toBe("Not found");
    await page.context().close();
  });
  it("starts an A/B rollout from a release, shows where it stands, and aborts it back to stable", async () => {
    const page = await signIn(adminKey, { bypassCSP: true });
    await page.goto(`${server.url}/deployments/faq`);
    await page.getByRole("region", { name: "Release history in development" }).getByRole("link", { name: "Start a rollout of development v2…" }).click();
    await page.waitForURL(/\/rollout$/);
    expect(await page.getByRole("heading", { level: 1 }).innerText()).toContain("Start a rollout of faq");
    await page.getByLabel("Environment").selectOption("staging");
    await page.getByLabel("A/B test").check();
    await page.getByLabel("A/B or shadow percent").fill("30");
    await inspect(page, "rollout-start");
    await page.getByRole("button", { name: "Start the rollout" }).click();
    await page.waitForURL(/\/deployments\/faq\?rollout=started$/);
    expect(await page.getByRole("status").innerText()).toContain("The rollout started");
    const panel = page.getByRole("region", { name: "A/B test in staging: running" });
    expect(await panel.innerText()).toMatch(/Candidate's share\s+30% of traffic/);
    expect(await page.getByRole("region", { name: "Release history in staging" }).locator("tr.live").innerText()).toContain("rolling out: 30%");
    await inspect(page, "deployment-rollout");
    await panel.getByRole("button", { name: "Abort (back to stable)" }).click();
    await page.waitForURL(/\/deployments\/faq\?rollout=aborted$/);
    expect(await page.getByRole("status").innerText()).toContain("the stable release serves all traffic again");
    expect(await page.locator(".rollout-panel").count()).toBe(0);
    expect(await page.getByRole("region", { name: "Ended rollouts in staging" }).innerText()).toMatch(/A\/B test\s+aborted\s*Aborted by Initial admin key/);
    await page.context().close();
  });
});
