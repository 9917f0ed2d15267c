import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import { CHANGE_CHECK_MS, CHANGE_MARK_URL } from "../../src/edge/change-mark";
import { appWithVariables, createWorkspace, expectProblem } from "../harness";
import { createSandbox, deploy, promptSpec } from "../lifecycle/fixtures";
import { executionsRecorded } from "./upstream";

/** The bound these tests run the invoke path's cache with. */
const BOUND_MS = 400;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const ask = { prompt_deployment_name: "faq", inputs: [{ name: "question", type: "STRING", value: "q" }] };

async function timed<T>(work: Promise<T>): Promise<{ result: T; ms: number }> {
  const started = Date.now();
  const result = await work;
  return { result, ms: Date.now() - started };
}

/** A workspace with "faq" deployed twice to staging (v1, then v2 live), a staging key, and an app with the cache bound set. */
async function setUp(boundMs = BOUND_MS) {
  const app = appWithVariables({ EDGE_CACHE_MS: String(boundMs) });
  const ws = await createWorkspace();
  const sandbox = await createSandbox(ws, "faq", promptSpec("{{ env.greeting }} {{ question }}"));
  const first = (await deploy(ws, sandbox.id, ["staging"])).body;
  const second = (await deploy(ws, sandbox.id, ["staging"])).body;
  const key = (await ws.key({ environment: "staging", scopes: ["execute"] })).key;
  return { app, ws, key, deploymentId: first.deployment.id as string, v1: first.releases[0].id as string, v2: second.releases[0].id as string };
}

const pointerKey = (environmentId: string, deploymentId: string) => `pointer:${environmentId}:${deploymentId}:LATEST`;

describe("the invoke path's cache of what changes in KV", () => {
  it("serves a pointer from memory for at most the bound, then reads KV again", async () => {
    const { app, ws, key, deploymentId, v1, v2 } = await setUp();
    expect((await app.call("/v1/execute-prompt", { key, body: ask })).headers.get("x-release-id")).toBe(v2);

    // Moved behind the service's back: nothing waits out the cache, so this isolate keeps serving what it read.
    await env.EDGE.put(pointerKey(ws.environments.staging!.id, deploymentId), JSON.stringify({ release_id: v1, version: 1 }));
    expect((await app.call("/v1/execute-prompt", { key, body: ask })).headers.get("x-release-id")).toBe(v2);

    await sleep(BOUND_MS + 10);
    expect((await app.call("/v1/execute-prompt", { key, body: ask })).headers.get("x-release-id")).toBe(v1);
  });

  it("refreshes an entry past half its bound in the background, so a steady caller sees a change before the bound", async () => {
    // A longer bound, so that the steps below fit well inside its halves.
    const bound = 1_000;
    const { app, ws, key, deploymentId, v1, v2 } = await setUp(bound);
    const warmedAt = Date.now();
    expect((await app.call("/v1/execute-prompt", { key, body: ask })).headers.get("x-release-id")).toBe(v2);
    await env.EDGE.put(pointerKey(ws.environments.staging!.id, deploymentId), JSON.stringify({ release_id: v1, version: 1 }));

    await sleep(warmedAt + bound * 0.6 - Date.now());
    // Still the cached value, but this request reads KV again after answering.
    expect((await app.call("/v1/execute-prompt", { key, body: ask })).headers.get("x-release-id")).toBe(v2);
    const next = await app.call("/v1/execute-prompt", { key, body: ask });
    expect(Date.now() - warmedAt).toBeLessThan(bound);
    expect(next.headers.get("x-release-id")).toBe(v1);
  });

  it("a revert, a promote, a revocation and a variable change answer once isolates here looked at the change mark, well inside the bound, and the next request sees each", async () => {
    const { app, ws, key, deploymentId, v1, v2 } = await setUp();
    const production = (await ws.key({ environment: "production", scopes: ["execute"] })).key;
    for (const k of [key, production]) await app.call("/v1/execute-prompt", { key: k, body: ask }); // warm both environments
    const answersInTime = (ms: number) => {
      expect(ms).toBeGreaterThanOrEqual(CHANGE_CHECK_MS);
      expect(ms).toBeLessThan(BOUND_MS);
    };

    const revert = await timed(app.call(`/v1/deployments/${deploymentId}/revert?environment=staging`, { key: ws.adminKey, method: "POST" }));
    expect(revert.result.status).toBe(201);
    answersInTime(revert.ms);
    expect(revert.result.body.release.source).toEqual({ type: "revert", release_id: v1 });
    expect((await app.call("/v1/execute-prompt", { key, body: ask })).headers.get("x-release-id")).toBe(revert.result.body.release.id);

    const promote = await timed(app.call(`/v1/releases/${v2}/promote`, { key: ws.adminKey, body: { environments: ["production"] } }));
    expect(promote.result.status).toBe(201);
    answersInTime(promote.ms);
    const promoted = promote.result.body.results[0].release.id;
    expect((await app.call("/v1/execute-prompt", { key: production, body: ask })).headers.get("x-release-id")).toBe(promoted);

    const change = await timed(app.call("/v1/environments/staging", { method: "PATCH", key: ws.adminKey, body: { variables: { greeting: "Hello" } } }));
    expect(change.result.status).toBe(200);
    answersInTime(change.ms);
    expect((await app.call("/v1/execute-prompt", { key, body: ask })).body.outputs[0].value).toBe("Hello q");

    const keyId = (await app.call("/v1/api-keys", { key: ws.adminKey })).body.data.find(
      (k: { environment: string | null; scopes: string[] }) => k.environment === "staging" && k.scopes.join() === "execute",
    ).id;
    const revoke = await timed(app.call(`/v1/api-keys/${keyId}`, { method: "DELETE", key: ws.adminKey }));
    expect(revoke.result.status).toBe(200);
    answersInTime(revoke.ms);
    expectProblem(await app.call("/v1/execute-prompt", { key, body: ask }), 401, "UNAUTHENTICATED");
  });

  it("reads a change mark gone missing as a change: the next look drops what the isolate cached", async () => {
    const { app, ws, key, deploymentId, v1, v2 } = await setUp();
    expect((await app.call("/v1/execute-prompt", { key, body: ask })).headers.get("x-release-id")).toBe(v2);

    // Moved behind the service's back, and the mark evicted: only the mark's absence can tell the isolate.
    await env.EDGE.put(pointerKey(ws.environments.staging!.id, deploymentId), JSON.stringify({ release_id: v1, version: 1 }));
    expect(await caches.default.delete(CHANGE_MARK_URL)).toBe(true);
    await sleep(CHANGE_CHECK_MS + 5);
    expect((await app.call("/v1/execute-prompt", { key, body: ask })).headers.get("x-release-id")).toBe(v1);
  });

  it("where the change mark cannot be kept, a change waits out the whole bound instead, and the next request sees it", async () => {
    const { app, ws, key } = await setUp();
    await app.call("/v1/execute-prompt", { key, body: ask });
    const put = vi.spyOn(caches.default, "put").mockResolvedValue(undefined);
    try {
      const change = await timed(app.call("/v1/environments/staging", { method: "PATCH", key: ws.adminKey, body: { variables: { greeting: "Hi" } } }));
      expect(change.result.status).toBe(200);
      expect(put).toHaveBeenCalled();
      expect(change.ms).toBeGreaterThanOrEqual(BOUND_MS);
      expect((await app.call("/v1/execute-prompt", { key, body: ask })).body.outputs[0].value).toBe("Hi q");
    } finally {
      put.mockRestore();
    }
  });

  it("when KV fails, serves the isolate's last known pointer, key and environment and says so; without one, the request fails", async () => {
    const { app, ws, key, v2 } = await setUp();
    const fresh = await app.call("/v1/execute-prompt", { key, body: ask });
    expect(fresh.headers.get("x-release-id")).toBe(v2);
    expect(fresh.headers.get("x-edge-stale")).toBeNull();

    await sleep(BOUND_MS + 10); // past the bound: the next request must read KV
    const get = vi.spyOn(env.EDGE, "get").mockRejectedValue(new Error("KV is down"));
    let staleId: string;
    try {
      const stale = await app.call("/v1/execute-prompt", { key, body: ask });
      staleId = stale.body.execution_id;
      expect(stale.status).toBe(200);
      expect(stale.headers.get("x-release-id")).toBe(v2);
      expect(stale.headers.get("x-edge-stale")).toBe("true");
      expect(stale.body.outputs[0].value).toContain("q");

      // A key this isolate never read has no last known value to fall back on.
      const other = (await ws.key({ environment: "staging", scopes: ["execute"] })).key;
      const refused = await app.call("/v1/execute-prompt", { key: other, body: ask });
      expect(refused.status).toBeGreaterThanOrEqual(500);
    } finally {
      get.mockRestore();
    }
    const recovered = await app.call("/v1/execute-prompt", { key, body: ask });
    expect(recovered.headers.get("x-edge-stale")).toBeNull();

    // The execution records say which answer came from the stale entries.
    await executionsRecorded(ws.id, 3);
    const { results } = await env.DB.prepare("SELECT id, edge_stale FROM executions WHERE workspace_id = ?").bind(ws.id).all<{ id: string; edge_stale: number }>();
    expect(Object.fromEntries(results.map((r) => [r.id, r.edge_stale]))).toEqual({ [fresh.body.execution_id]: 0, [staleId]: 1, [recovered.body.execution_id]: 0 });
  });

  it("a request that changes nothing the invoke path reads answers without waiting", async () => {
    // A long bound, so that any wait would show plainly.
    const bound = 2_000;
    const { app, ws } = await setUp(bound);
    const created = await timed(app.call("/v1/sandboxes", { key: ws.adminKey, body: { name: "other", kind: "prompt", spec: promptSpec() } }));
    expect(created.result.status).toBe(201);
    const refused = await timed(app.call("/v1/executions", { key: ws.adminKey }));
    expect(refused.result.status).toBe(400);
    expect(created.ms).toBeLessThan(bound);
    expect(refused.ms).toBeLessThan(bound);
  });
});
