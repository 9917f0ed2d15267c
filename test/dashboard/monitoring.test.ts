import { beforeAll, describe, expect, it } from "vitest";
import { formatLatency, formatPercent } from "../../src/dashboard/monitoring/format";
import { executionsRecorded } from "../execute/upstream";
import { call as callApi, createWorkspace, type TestWorkspace } from "../harness";
import { createSandbox, deploy, deployedWorkspace, promptSpec, saveSandbox } from "../lifecycle/fixtures";
import { call, signIn } from "./browser-session";

/** The text of every element of `html` matching `pattern`'s first group. */
const all = (html: string, pattern: RegExp) => [...html.matchAll(pattern)].map((m) => m[1]!);

/** The HTML of one chart's <figure>. */
function chart(html: string, id: string): string {
  const start = html.indexOf(`<figure class="mon-chart" id="chart-${id}"`);
  expect(start).toBeGreaterThanOrEqual(0);
  return html.slice(start, html.indexOf("</figure>", start));
}

/** The value shown for one figure of the summary. */
const figure = (html: string, key: string) => new RegExp(`data-figure="${key}"><dt>[^<]*</dt><dd>([^<]*)</dd>`).exec(html)?.[1];

const ask = (question: string) => ({ prompt_deployment_name: "faq", inputs: [{ name: "question", type: "STRING", value: question }] });

let ws: TestWorkspace;
let stagingKey: string;
let staging: string;
let admin: string;
let devExecution: string;

beforeAll(async () => {
  ws = await createWorkspace();
  const { sandbox } = await deployedWorkspace(ws);
  stagingKey = (await ws.key({ environment: "staging", scopes: ["read", "execute", "deploy"], name: "staging operator" })).key;
  for (const q of ["one", "two", "three"]) expect((await callApi("/v1/execute-prompt", { key: stagingKey, body: ask(q) })).body.state).toBe("FULFILLED");
  await saveSandbox(ws, sandbox.id, promptSpec("Q: {{ question }}"));
  expect((await deploy(ws, sandbox.id, ["staging"])).status).toBe(201);
  for (const q of ["four", "five"]) expect((await callApi("/v1/execute-prompt", { key: stagingKey, body: ask(q) })).body.state).toBe("FULFILLED");
  // A model that needs a credential staging does not hold: a failed execution, with no network involved.
  const needsKey = await createSandbox(ws, "needs-key", {
    input_variables: [{ key: "question", type: "STRING" }],
    model: { provider: "anthropic", name: "claude-3-5-haiku-latest" },
    blocks: [{ role: "user", template: "{{ question }}" }],
  });
  expect((await deploy(ws, needsKey.id, ["staging"], { deployment_name: "needs-key" })).status).toBe(201);
  const failed = await callApi("/v1/execute-prompt", { key: stagingKey, body: { ...ask("six"), prompt_deployment_name: "needs-key" } });
  expect(failed.body.state).toBe("REJECTED");
  const devKey = (await ws.key({ environment: "development", scopes: ["read", "execute"] })).key;
  devExecution = (await callApi("/v1/execute-prompt", { key: devKey, body: ask("in development") })).body.execution_id;
  expect(await executionsRecorded(ws.id, 7)).toHaveLength(7);
  // Back to v1's content as release v3, which serves nothing yet.
  expect((await callApi("/v1/deployments/faq/revert?environment=staging", { method: "POST", key: ws.adminKey })).status).toBeLessThan(300);
  staging = await signIn(stagingKey);
  admin = await signIn(ws.adminKey);
});

describe("dashboard monitoring", () => {
  it("shows the environment's figures as GET /v1/metrics computes them, and one series and one marker per release", async () => {
    const page = await call("/environments/staging/monitoring", { headers: { cookie: staging } });
    expect(page.status).toBe(200);
    expect(page.body).not.toMatch(/<script|style=/);
    const metrics = (await callApi("/v1/metrics", { key: stagingKey })).body;
    expect(metrics.overall.executions).toBe(6);
    expect(figure(page.body, "executions")).toBe("6");
    expect(figure(page.body, "error-rate")).toBe(formatPercent(1 / 6));
    expect(figure(page.body, "p95")).toBe(formatLatency(metrics.overall.latency_ms.p95));
    expect(figure(page.body, "p50")).toBe(formatLatency(metrics.overall.latency_ms.p50));

    // Two deployments: releases are named with their deployment.
    for (const id of ["executions", "error-rate", "latency-p50", "latency-p95", "latency-p99", "cost"]) {
      const svg = chart(page.body, id);
      expect(svg).toContain('role="img"');
      expect(all(svg, /<g class="series" data-series="([^"]+)"/g)).toEqual(["faq v1", "faq v2", "needs-key v1"]);
      expect(all(svg, /<g class="marker" data-marker="([^"]+)"/g)).toEqual(["faq v1", "faq v2", "needs-key v1", "faq v3 revert"]);
      expect(svg).toContain("<details>");
    }
    // Each series is drawn differently: colour, dash pattern and point shape.
    const lines = all(chart(page.body, "executions"), /<polyline ([^>]+)>/g);
    expect(new Set(lines.map((l) => /stroke="([^"]+)"/.exec(l)?.[1])).size).toBe(lines.length);
    expect(new Set(lines.map((l) => /stroke-dasharray="([^"]+)"/.exec(l)?.[1] ?? "solid")).size).toBe(lines.length);
    // No quality scores yet: no quality chart, and a hint instead.
    expect(page.body).not.toContain('id="chart-quality"');
    expect(page.body).toContain("No quality scores in this window");
    // The per-release table has the figures of each release.
    expect(all(page.body, /<tr data-release="[^"]+"><th scope="row"><a href="\/releases\/[^"]+">([^<]+)<\/a><\/th><td>(?:\d+)/g)).toEqual(["faq v1", "faq v2", "needs-key v1"]);
  });

  it("limits the charts to one deployment, and marks a revert", async () => {
    const page = await call("/environments/staging/monitoring?deployment=faq", { headers: { cookie: staging } });
    expect(page.status).toBe(200);
    const svg = chart(page.body, "executions");
    expect(all(svg, /<g class="series" data-series="([^"]+)"/g)).toEqual(["v1", "v2"]);
    expect(all(svg, /<g class="marker" data-marker="([^"]+)"/g)).toEqual(["v1", "v2", "v3 revert"]);
    expect(figure(page.body, "executions")).toBe("5");
    expect(figure(page.body, "error-rate")).toBe("0%");
    expect(page.body).toContain("reverted to v1");
    expect(page.body).toMatch(/<option value="faq" selected="">faq<\/option>/);
  });

  it("switches windows: buckets of 6 hours over 7 days, of a day over 30 days", async () => {
    const week = await call("/environments/staging/monitoring?window=7d", { headers: { cookie: staging } });
    expect(week.status).toBe(200);
    expect(week.body).toMatch(/<a href="[^"]*window=7d" aria-current="page">Last 7 days<\/a>/);
    const weekRows = all(chart(week.body, "executions"), /<tr><th scope="row">([^<]+)<\/th>/g);
    expect(weekRows.length).toBeGreaterThanOrEqual(28);
    expect(weekRows.length).toBeLessThanOrEqual(29);
    expect(weekRows.every((r) => /T?(00|06|12|18):00 UTC$/.test(r) || weekRows.indexOf(r) === 0)).toBe(true);
    const month = await call("/environments/staging/monitoring?window=30d", { headers: { cookie: staging } });
    expect(all(chart(month.body, "executions"), /<tr><th scope="row">([^<]+)<\/th>/g).length).toBeGreaterThanOrEqual(30);
    expect(figure(month.body, "executions")).toBe("6");
    // An unknown window is the default one, not an error.
    const odd = await call("/environments/staging/monitoring?window=1y", { headers: { cookie: staging } });
    expect(odd.body).toMatch(/aria-current="page">Last 24 hours<\/a>/);
  });

  it("lists executions with the filters of GET /v1/executions, and each links to its detail", async () => {
    const list = await call("/environments/staging/executions", { headers: { cookie: staging } });
    expect(list.status).toBe(200);
    expect(all(list.body, /<tr data-execution="(exe_[0-9a-z]+)"/g)).toHaveLength(6);
    const failed = await call("/environments/staging/executions?status=REJECTED", { headers: { cookie: staging } });
    expect(all(failed.body, /<tr data-execution="[^"]+" data-status="([A-Z]+)"/g)).toEqual(["REJECTED"]);
    expect(failed.body).toContain("PROVIDER_CREDENTIALS_UNAVAILABLE");
    const fulfilled = await call("/environments/staging/executions?status=FULFILLED", { headers: { cookie: staging } });
    expect(all(fulfilled.body, /<tr data-execution="[^"]+" data-status="([A-Z]+)"/g)).toEqual(Array(5).fill("FULFILLED"));
    const v1 = (await callApi("/v1/deployments/faq/releases?environment=staging", { key: stagingKey })).body.data.find((r: { version: number }) => r.version === 1);
    const ofV1 = await call(`/environments/staging/executions?release_id=${v1.id}`, { headers: { cookie: staging } });
    expect(all(ofV1.body, /<tr data-execution="([^"]+)"/g)).toHaveLength(3);
    const today = new Date().toISOString().slice(0, 10);
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    expect(all((await call(`/environments/staging/executions?from=${today}`, { headers: { cookie: staging } })).body, /<tr data-execution="([^"]+)"/g)).toHaveLength(6);
    expect((await call(`/environments/staging/executions?from=${tomorrow}`, { headers: { cookie: staging } })).body).toContain("No execution matches these filters.");

    const bad = await call("/environments/staging/executions?status=MAYBE", { headers: { cookie: staging } });
    expect(bad.status).toBe(400);
    expect(bad.body).toContain("Status must be Succeeded or Failed.");
    const backwards = await call(`/environments/staging/executions?from=${tomorrow}&to=${today}`, { headers: { cookie: staging } });
    expect(backwards.status).toBe(400);
    expect(backwards.body).toContain("must not be after");
  });

  it("pages through the list with the cursor, keeping the filters", async () => {
    const busy = await createWorkspace();
    await deployedWorkspace(busy);
    const key = (await busy.key({ environment: "staging", scopes: ["read", "execute"] })).key;
    const invoked = await Promise.all(Array.from({ length: 26 }, (_, i) => callApi("/v1/execute-prompt", { key, body: ask(`question ${i}`) })));
    expect(invoked.every((r) => r.body.state === "FULFILLED")).toBe(true);
    await executionsRecorded(busy.id, 26);
    const cookie = await signIn(key);
    const first = await call("/environments/staging/executions?status=FULFILLED", { headers: { cookie } });
    const firstIds = all(first.body, /<tr data-execution="([^"]+)"/g);
    expect(firstIds).toHaveLength(25);
    const next = /<a href="([^"]+)" rel="next">/.exec(first.body)?.[1]?.replaceAll("&amp;", "&");
    expect(next).toMatch(/^\/environments\/staging\/executions\?status=FULFILLED&cursor=/);
    const second = await call(next!, { headers: { cookie } });
    expect(second.status).toBe(200);
    const secondIds = all(second.body, /<tr data-execution="[^"]+" data-status="([A-Z]+)"/g);
    expect(secondIds).toEqual(["FULFILLED"]);
    expect(second.body).toContain("End of the list");
  });

  it("shows an execution's inputs, outputs, release and model; a failed one its error", async () => {
    const list = await call("/environments/staging/executions?status=FULFILLED", { headers: { cookie: staging } });
    const api = (await callApi("/v1/executions?status=FULFILLED&limit=100", { key: stagingKey })).body.data as { id: string; inputs: { value: string }[] }[];
    const one = api.find((e) => e.inputs[0]?.value === "four")!;
    expect(list.body).toContain(`href="/executions/${one.id}"`);
    const detail = await call(`/executions/${one.id}`, { headers: { cookie: staging } });
    expect(detail.status).toBe(200);
    expect(detail.body).not.toMatch(/<script|style=/);
    expect(detail.body).toMatch(/<th scope="row">question<\/th><td>STRING<\/td><td><pre class="mon-payload">four<\/pre>/);
    // The echo model answers with the rendered last message: release v2's template.
    expect(detail.body).toMatch(/<pre class="mon-payload">Q: four<\/pre>/);
    expect(detail.body).toMatch(/<a href="\/releases\/rel_[^"]+">v2 \(called as LATEST\)<\/a>/);
    expect(detail.body).toContain("echo / echo");

    const [failed] = (await callApi("/v1/executions?status=REJECTED", { key: stagingKey })).body.data;
    const failedPage = await call(`/executions/${failed.id}`, { headers: { cookie: staging } });
    expect(failedPage.body).toContain('data-error-code="PROVIDER_CREDENTIALS_UNAVAILABLE"');
  });

  it("answers 404 for another environment's monitoring, executions and execution; a workspace key sees them all", async () => {
    for (const path of [
      "/environments/production/monitoring",
      "/environments/development/monitoring",
      "/environments/production/executions",
      "/environments/development/executions",
      `/executions/${devExecution}`,
      "/environments/nowhere/monitoring",
      "/executions/exe_doesnotexist",
      "/environments/staging/monitoring?deployment=not-deployed",
    ]) {
      const res = await call(path, { headers: { cookie: staging } });
      expect(res.status, path).toBe(404);
      expect(res.body).toContain("Not found");
      expect(res.body).not.toContain("exe_");
    }
    expect((await call(`/executions/${devExecution}`, { headers: { cookie: admin } })).status).toBe(200);
    expect((await call("/environments/production/monitoring", { headers: { cookie: admin } })).status).toBe(200);

    const production = await signIn((await ws.key({ environment: "production", scopes: ["read"] })).key);
    const [stagingExecution] = (await callApi("/v1/executions", { key: stagingKey })).body.data;
    expect((await call(`/executions/${stagingExecution.id}`, { headers: { cookie: production } })).status).toBe(404);
    expect((await call("/environments/staging/executions", { headers: { cookie: production } })).status).toBe(404);
  });

  it("sends an environment key from /monitoring to its environment, and lists every environment for a workspace key", async () => {
    const redirected = await call("/monitoring", { headers: { cookie: staging } });
    expect(redirected.status).toBe(302);
    expect(redirected.headers.get("location")).toBe("/environments/staging/monitoring");
    const index = await call("/monitoring", { headers: { cookie: admin } });
    expect(index.status).toBe(200);
    expect(all(index.body, /<tr data-environment="([^"]+)"/g)).toEqual(["development", "staging", "production"]);
    expect(index.body).toContain('href="/environments/staging/monitoring"');
    expect(index.body).toContain('href="/environments/staging/executions"');
  });

  it("sends a signed-out browser to sign in", async () => {
    for (const path of ["/monitoring", "/environments/staging/monitoring", "/environments/staging/executions", `/executions/${devExecution}`]) {
      const res = await call(path);
      expect(res.status).toBe(303);
      expect(res.headers.get("location")).toBe("/sign-in");
    }
  });
});

describe("dashboard monitoring without executions", () => {
  it("says so instead of drawing empty lines, and shows the quality chart once scores arrive", async () => {
    const fresh = await createWorkspace();
    const { deployment } = await deployedWorkspace(fresh);
    const key = (await fresh.key({ environment: "staging", scopes: ["read", "execute"] })).key;
    const cookie = await signIn(key);
    const empty = await call("/environments/staging/monitoring", { headers: { cookie } });
    expect(empty.status).toBe(200);
    expect(empty.body).toContain("No executions in staging in the last 24 hours.");
    expect(all(chart(empty.body, "executions"), /<g class="marker" data-marker="([^"]+)"/g)).toEqual(["v1"]);
    expect((await call("/environments/staging/executions", { headers: { cookie } })).body).toContain("No executions in staging yet.");

    const invoked = await callApi("/v1/execute-prompt", { key, body: ask("rate me") });
    await executionsRecorded(fresh.id, 1);
    expect(
      (
        await callApi("/v1/submit-completion-actuals", {
          key,
          body: { deployment_name: deployment.name, actuals: [{ id: invoked.body.execution_id, quality: 0.5, text: "better" }] },
        })
      ).status,
    ).toBe(200);
    const scored = await call("/environments/staging/monitoring", { headers: { cookie } });
    expect(figure(scored.body, "quality")).toBe("0.50 (1 score)");
    expect(all(chart(scored.body, "quality"), /<g class="series" data-series="([^"]+)"/g)).toEqual(["v1"]);
    const detail = await call(`/executions/${invoked.body.execution_id}`, { headers: { cookie } });
    expect(detail.body).toMatch(/data-fact="quality"><dt>Quality<\/dt><dd>0.50<\/dd>/);
    expect(detail.body).toContain("better");
  });
});
