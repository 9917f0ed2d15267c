import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api, createWorkspace, type LocalServer, startServer } from "../test-cli/harness";
import { launchBrowser, screenshot, seriousViolations, signIn } from "./browser";

const prompt = (template: string) => ({
  input_variables: [{ key: "question", type: "STRING", required: true }],
  model: { provider: "echo", name: "echo", parameters: {} },
  blocks: [{ role: "user", template }],
});

let server: LocalServer;
let browser: Browser;
let stagingKey: string;

async function ask(deployment: string, question: string) {
  return api<{ state: string }>(server, stagingKey, "POST", "/v1/execute-prompt", { prompt_deployment_name: deployment, inputs: [{ name: "question", type: "STRING", value: question }] });
}

beforeAll(async () => {
  [server, browser] = await Promise.all([startServer(), launchBrowser()]);
  const adminKey = await createWorkspace(server, "Monitoring test");
  stagingKey = (await api<{ key: string }>(server, adminKey, "POST", "/v1/api-keys", { name: "staging operator", environment: "staging", scopes: ["read", "execute"] })).key;
  const sandbox = await api<{ id: string }>(server, adminKey, "POST", "/v1/sandboxes", { name: "faq", kind: "prompt", spec: prompt("{{ question }}") });
  await api(server, adminKey, "POST", `/v1/sandboxes/${sandbox.id}/deploy`, { deployment_name: "faq", environments: ["staging"] });
  for (const q of ["What is Stagecraft?", "How do I deploy?", "Can I revert?", "Where are the logs?"]) await ask("faq", q);
  await api(server, adminKey, "PATCH", `/v1/sandboxes/${sandbox.id}`, { spec: prompt("Answer briefly: {{ question }}") });
  await api(server, adminKey, "POST", `/v1/sandboxes/${sandbox.id}/deploy`, { deployment_name: "faq", environments: ["staging"] });
  for (const q of ["What is a release?", "What is a tag?", "Who approves?"]) await ask("faq", q);
  const needsKey = await api<{ id: string }>(server, adminKey, "POST", "/v1/sandboxes", {
    name: "needs-key",
    kind: "prompt",
    spec: { ...prompt("{{ question }}"), model: { provider: "anthropic", name: "claude-3-5-haiku-latest" } },
  });
  await api(server, adminKey, "POST", `/v1/sandboxes/${needsKey.id}/deploy`, { deployment_name: "needs-key", environments: ["staging"] });
  expect((await ask("needs-key", "Will this fail?")).state).toBe("REJECTED");
  await api(server, adminKey, "POST", "/v1/deployments/faq/revert?environment=staging");
  for (const q of ["Back on v1?", "Still working?"]) await ask("faq", q);
  // Executions reach D1 through the queue, within a second or two.
  for (let i = 0; i < 60; i++) {
    if ((await api<{ data: unknown[] }>(server, stagingKey, "GET", "/v1/executions?limit=100")).data.length >= 10) return;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error("the executions were not recorded within 30 s");
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe("monitoring in a browser", () => {
  it("charts staging per release with its releases and revert marked, switches windows, and leads to the executions and one execution", async () => {
    const page = await signIn(browser, server, stagingKey, { bypassCSP: true });
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Monitoring" }).click();
    await page.waitForURL(`${server.url}/environments/staging/monitoring`);
    expect(await page.getByRole("heading", { level: 1 }).innerText()).toBe("Monitoring: staging");
    expect(await page.locator('[data-figure="executions"] dd').innerText()).toBe("10");
    expect(await page.locator('[data-figure="error-rate"] dd').innerText()).toBe("10%");
    const executionsChart = page.locator("#chart-executions");
    expect(await executionsChart.locator("g.series").count()).toBe(4);
    expect(await executionsChart.locator("g.marker").evaluateAll((markers) => markers.map((m) => m.getAttribute("data-marker")))).toEqual([
      "faq v1",
      "faq v2",
      "needs-key v1",
      "faq v3 revert",
    ]);
    expect(await executionsChart.getByRole("img").getAttribute("aria-label")).toContain("Marked on the time axis: faq v1, faq v2, needs-key v1, faq v3 revert");
    expect(await page.getByRole("list", { name: "Legend" }).innerText()).toContain("faq v3");
    // The figures behind a chart, as a table for anyone who cannot see it.
    await executionsChart.getByText("Executions as a table").click();
    expect(await executionsChart.getByRole("table").isVisible()).toBe(true);
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, "monitoring");

    await page.getByRole("link", { name: "Last 7 days" }).click();
    await page.waitForURL(/window=7d/);
    expect(await page.getByRole("link", { name: "Last 7 days" }).getAttribute("aria-current")).toBe("page");
    expect(await page.locator("#chart-executions g.marker").count()).toBe(4);

    await page.getByLabel("Deployment").selectOption("faq");
    await page.getByRole("button", { name: "Show" }).click();
    await page.waitForURL(/deployment=faq/);
    expect(await page.locator("#chart-executions g.series").evaluateAll((series) => series.map((s) => s.getAttribute("data-series")))).toEqual(["v1", "v2", "v3"]);
    expect(page.url()).toContain("window=7d");

    await page.getByRole("link", { name: "See every execution" }).click();
    await page.waitForURL(/\/environments\/staging\/executions/);
    expect(await page.locator("tr[data-execution]").count()).toBe(9);
    await page.getByLabel("Deployment").selectOption("");
    await page.getByLabel("Status").selectOption("REJECTED");
    await page.getByRole("button", { name: "Apply filters" }).click();
    await page.waitForURL(/status=REJECTED/);
    expect(await page.locator("tr[data-execution]").count()).toBe(1);
    expect(await page.locator("tr[data-execution]").innerText()).toContain("Failed");
    await page.getByLabel("Status").selectOption("");
    await page.getByRole("button", { name: "Apply filters" }).click();
    await page.waitForURL((url) => !url.search.includes("status=REJECTED"));
    expect(await page.locator("tr[data-execution]").count()).toBe(10);
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, "executions");

    const oldest = page.locator("tr[data-execution]").last();
    await oldest.getByRole("link").click();
    await page.waitForURL(/\/executions\/exe_/);
    expect(await page.getByRole("table", { name: "Inputs" }).innerText()).toContain("What is Stagecraft?");
    expect(await page.getByRole("table", { name: "Outputs" }).innerText()).toContain("What is Stagecraft?");
    expect(await page.locator('[data-fact="release"]').innerText()).toContain("v1");
    expect(await page.locator('[data-fact="model"]').innerText()).toContain("echo");
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, "execution-detail");
    await page.context().close();
  });

  it("keeps monitoring readable on a phone, and production out of a staging key's reach", async () => {
    const page = await signIn(browser, server, stagingKey, { bypassCSP: true, viewport: { width: 390, height: 844 } });
    await page.goto(`${server.url}/environments/staging/monitoring`);
    expect(await page.locator("#chart-executions g.marker").count()).toBe(4);
    // Nothing but the tables' own scrolling regions is wider than the screen.
    const wide = await page.evaluate(() =>
      [...document.querySelectorAll("main *")].filter((e) => e.getBoundingClientRect().right > 392 && !e.closest(".table-scroll")).map((e) => `${e.tagName}.${e.className}`),
    );
    expect(wide).toEqual([]);
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, "monitoring-phone");

    const refused = await page.goto(`${server.url}/environments/production/monitoring`);
    expect(refused?.status()).toBe(404);
    expect(await page.getByRole("heading", { level: 1 }).innerText()).toBe("Not found");
    await page.context().close();
  });
});
