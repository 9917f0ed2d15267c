import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createApp } from "../../src/app";
import { sha256Hex } from "../../src/lib/crypto";
import { call, createWorkspace, expectProblem } from "../harness";
import { createSandbox, deploy, deployedWorkspace, promptSpec, saveSandbox } from "../lifecycle/fixtures";
import { completion, executionsRecorded, mockNetwork, UPSTREAM, upstreamDeployment } from "./upstream";

afterEach(() => {
  vi.restoreAllMocks();
});

const ask = (question: string, extra: Record<string, unknown> = {}) => ({
  prompt_deployment_name: "faq",
  inputs: [{ name: "question", type: "STRING", value: question }],
  ...extra,
});

describe("execute-prompt", () => {
  it("answers from the echo model with Vellum's shape, the release that served it, and timings", async () => {
    const ws = await createWorkspace();
    const { releases } = await deployedWorkspace(ws);
    const staging = releases.find((r) => r.environment === "staging")!;
    const key = (await ws.key({ environment: "staging", scopes: ["execute"] })).key;
    const res = await call("/v1/execute-prompt", { key, body: ask("What is Stagecraft?", { external_id: "ext-1", metadata: { user: "u1" } }) });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      state: "FULFILLED",
      execution_id: expect.stringMatching(/^exe_/),
      outputs: [{ type: "STRING", value: "What is Stagecraft?" }],
      meta: {
        model_name: "echo",
        deployment_release_tag: "LATEST",
        finish_reason: "STOP",
        usage: { input_token_count: expect.any(Number), output_token_count: 5 },
        cost: { value: 0, unit: "USD" },
      },
      release: { id: staging.id, version: 1, environment: "staging" },
    });
    expect(res.headers.get("x-release-id")).toBe(staging.id);
    expect(res.headers.get("server-timing")).toMatch(/auth;dur=[\d.]+, resolve;dur=[\d.]+, render;dur=[\d.]+, model;dur=[\d.]+/);

    const [recorded] = await executionsRecorded(ws.id, 1);
    const execution = await call(`/v1/executions/${res.body.execution_id}`, { key: (await ws.key({ environment: "staging", scopes: ["read"] })).key });
    expect(recorded?.id).toBe(res.body.execution_id);
    expect(execution.body).toMatchObject({
      status: "FULFILLED",
      release_id: staging.id,
      release_tag: "LATEST",
      external_id: "ext-1",
      metadata: { user: "u1" },
      model: { provider: "echo", name: "echo" },
    });
  });

  it("renders defaults and environment variables into the templates", async () => {
    const ws = await createWorkspace();
    const sandbox = await createSandbox(ws, "faq", promptSpec("{{ question }} ({{ product }}, {{ env.tier }})"));
    await call("/v1/environments/staging", { method: "PATCH", key: ws.adminKey, body: { variables: { tier: "gold" } } });
    await deploy(ws, sandbox.id, ["staging"]);
    const res = await call("/v1/execute-prompt?environment=staging", { key: ws.adminKey, body: ask("Hi") });
    expect(res.body.outputs[0].value).toBe("Hi (Stagecraft, gold)");
  });

  it("after a revert returns, the next invoke serves the restored release", async () => {
    const ws = await createWorkspace();
    const sandbox = await createSandbox(ws, "faq", promptSpec("first: {{ question }}"));
    await deploy(ws, sandbox.id, ["staging"]);
    const key = (await ws.key({ environment: "staging", scopes: ["execute", "promote"] })).key;
    expect((await call("/v1/execute-prompt", { key, body: ask("q") })).body.outputs[0].value).toBe("first: q");
    await saveSandbox(ws, sandbox.id, promptSpec("second: {{ question }}"));
    await deploy(ws, sandbox.id, ["staging"]);
    expect((await call("/v1/execute-prompt", { key, body: ask("q") })).body.outputs[0].value).toBe("second: q");
    const reverted = await call(`/v1/deployments/faq/revert`, { key, method: "POST" });
    const next = await call("/v1/execute-prompt", { key, body: ask("q") });
    expect(next.body.outputs[0].value).toBe("first: q");
    expect(next.headers.get("x-release-id")).toBe(reverted.body.release.id);
  });

  it("after a promote returns, the next invoke in the target environment serves the promoted release", async () => {
    const ws = await createWorkspace();
    const sandbox = await createSandbox(ws, "faq", promptSpec("first: {{ question }}"));
    const first = (await deploy(ws, sandbox.id, ["staging"])).body.releases[0];
    await call(`/v1/releases/${first.id}/promote`, { key: ws.adminKey, body: { environments: ["production"] } });
    const key = (await ws.key({ environment: "production", scopes: ["execute"] })).key;
    // Served twice, so that this isolate has every cache of the invoke path warm.
    for (let i = 0; i < 2; i++) expect((await call("/v1/execute-prompt", { key, body: ask("q") })).body.outputs[0].value).toBe("first: q");
    await saveSandbox(ws, sandbox.id, promptSpec("second: {{ question }}"));
    const second = (await deploy(ws, sandbox.id, ["staging"])).body.releases[0];
    const promoted = await call(`/v1/releases/${second.id}/promote`, { key: ws.adminKey, body: { environments: ["production"] } });
    expect(promoted.status).toBe(201);
    const next = await call("/v1/execute-prompt", { key, body: ask("q") });
    expect(next.body.outputs[0].value).toBe("second: q");
    expect(next.headers.get("x-release-id")).toBe(promoted.body.results[0].release.id);
  });

  it("pins a release tag, or a release id of the key's own environment", async () => {
    const ws = await createWorkspace();
    const sandbox = await createSandbox(ws, "faq", promptSpec("v1: {{ question }}"));
    const v1 = (await deploy(ws, sandbox.id, ["staging"], { release_tags: ["v1.0.0"] })).body.releases[0];
    await saveSandbox(ws, sandbox.id, promptSpec("v2: {{ question }}"));
    await deploy(ws, sandbox.id, ["staging"]);
    const key = (await ws.key({ environment: "staging", scopes: ["execute"] })).key;
    expect((await call("/v1/execute-prompt", { key, body: ask("q", { release_tag: "v1.0.0" }) })).body.outputs[0].value).toBe("v1: q");
    expect((await call("/v1/execute-prompt", { key, body: ask("q", { release_tag: v1.id }) })).body.outputs[0].value).toBe("v1: q");
    expect((await call("/v1/execute-prompt", { key, body: ask("q") })).body.outputs[0].value).toBe("v2: q");
    expectProblem(await call("/v1/execute-prompt", { key, body: ask("q", { release_tag: "nope" }) }), 404, "NOT_FOUND");
    expectProblem(await call("/v1/execute-prompt", { key, body: { ...ask("q"), prompt_deployment_name: "missing" } }), 404, "NOT_FOUND");
  });

  it("checks inputs against the release's variables: missing, unknown, wrongly typed → 400 naming each", async () => {
    const ws = await createWorkspace();
    await deployedWorkspace(ws);
    const key = (await ws.key({ environment: "staging", scopes: ["execute"] })).key;
    const missing = expectProblem(await call("/v1/execute-prompt", { key, body: { prompt_deployment_name: "faq", inputs: [] } }), 400, "VALIDATION_FAILED");
    expect(missing.errors).toEqual([{ path: "body.inputs", message: 'Missing required input "question"' }]);
    const wrong = expectProblem(
      await call("/v1/execute-prompt", {
        key,
        body: {
          prompt_deployment_name: "faq",
          inputs: [
            { name: "question", type: "JSON", value: 1 },
            { name: "extra", type: "STRING", value: "x" },
          ],
        },
      }),
      400,
    );
    expect(wrong.errors).toEqual([
      { path: "body.inputs[0].value", message: '"question" must be a STRING input with a string value' },
      { path: "body.inputs[1].name", message: 'Unknown input variable "extra"' },
    ]);
  });

  it("a deployment named both by name and by id is refused, naming both fields (execute and stream)", async () => {
    const ws = await createWorkspace();
    const { deployment } = await deployedWorkspace(ws);
    const key = (await ws.key({ environment: "staging", scopes: ["execute"] })).key;
    for (const path of ["/v1/execute-prompt", "/v1/execute-prompt-stream"]) {
      const res = await call(path, { key, body: ask("Hi?", { prompt_deployment_id: deployment.id }) });
      const problem = expectProblem(res, 400, "VALIDATION_FAILED");
      expect(problem.detail).toBe("Give one of prompt_deployment_name and prompt_deployment_id, not both");
      expect(problem.errors).toEqual([
        { path: "body.prompt_deployment_name", message: "Give prompt_deployment_name or prompt_deployment_id, not both" },
        { path: "body.prompt_deployment_id", message: "Give prompt_deployment_name or prompt_deployment_id, not both" },
      ]);
    }
  });

  it("never touches D1: it answers with a D1 binding that fails on any use", async () => {
    const ws = await createWorkspace();
    await deployedWorkspace(ws);
    const key = (await ws.key({ environment: "staging", scopes: ["execute"] })).key;
    await call("/v1/execute-prompt", { key, body: ask("warm the caches") });
    const failingD1 = new Proxy(env.DB, {
      get: () => {
        throw new Error("D1 was used on the invoke path");
      },
    });
    const ctx = createExecutionContext();
    const res = await createApp().request(
      "https://stagecraft.test/v1/execute-prompt",
      { method: "POST", headers: { authorization: `Bearer ${key}`, "content-type": "application/json" }, body: JSON.stringify(ask("no D1 please")) },
      { ...env, DB: failingD1 },
      ctx,
    );
    await waitOnExecutionContext(ctx);
    expect(res.status).toBe(200);
    expect(((await res.json()) as { outputs: { value: string }[] }).outputs[0]!.value).toBe("no D1 please");

    // A well-formed key KV does not know is refused without a look in D1.
    const stranger = await ws.key({ environment: "staging", scopes: ["execute"] });
    await env.EDGE.delete(`api-key:${await sha256Hex(stranger.key)}`);
    const ctx2 = createExecutionContext();
    const refused = await createApp().request(
      "https://stagecraft.test/v1/execute-prompt",
      { method: "POST", headers: { authorization: `Bearer ${stranger.key}`, "content-type": "application/json" }, body: JSON.stringify(ask("x")) },
      { ...env, DB: failingD1 },
      ctx2,
    );
    await waitOnExecutionContext(ctx2);
    expect(refused.status).toBe(401);
  });

  it("calls an OpenAI-compatible upstream with the environment's secret and records tokens and cost", async () => {
    const ws = await createWorkspace();
    const release = await upstreamDeployment(ws);
    const calls = mockNetwork(() => completion("Paris."));
    const key = (await ws.key({ environment: "staging", scopes: ["execute"] })).key;
    const res = await call("/v1/execute-prompt", {
      key,
      body: { prompt_deployment_name: "upstream-faq", inputs: [{ name: "question", type: "STRING", value: "Capital of France?" }] },
    });
    expect(res.body).toMatchObject({ state: "FULFILLED", outputs: [{ value: "Paris." }], meta: { usage: { input_token_count: 11, output_token_count: 7 } } });
    expect(res.body.meta.cost.value).toBeCloseTo((11 * 0.15 + 7 * 0.6) / 1_000_000, 12);
    expect(res.headers.get("x-release-id")).toBe(release.id);
    const sent = calls[0]!;
    expect(sent.url).toBe(`${UPSTREAM}/chat/completions`);
    expect(sent.headers.get("authorization")).toBe("Bearer sk-test-upstream-secret");
    expect(JSON.parse(sent.body)).toEqual({
      model: "gpt-4o-mini",
      temperature: 0.2,
      messages: [
        { role: "system", content: "Be brief. Region: eu" },
        { role: "user", content: "Capital of France?" },
      ],
    });
  });
});

describe("the invoke path's shared KV read", () => {
  it("still checks the key on every request: a revoked key fails at once, a rotated one after its grace", async () => {
    const ws = await createWorkspace();
    await deployedWorkspace(ws);
    const k = await ws.key({ environment: "staging", scopes: ["execute"] });
    for (let i = 0; i < 3; i++) expect((await call("/v1/execute-prompt", { key: k.key, body: ask("warm") })).status).toBe(200);
    await call(`/v1/api-keys/${k.id}`, { method: "DELETE", key: ws.adminKey });
    expectProblem(await call("/v1/execute-prompt", { key: k.key, body: ask("after revoke") }), 401, "UNAUTHENTICATED");

    const r = await ws.key({ environment: "staging", scopes: ["execute"] });
    expect((await call("/v1/execute-prompt", { key: r.key, body: ask("warm") })).status).toBe(200);
    await call(`/v1/api-keys/${r.id}/rotate`, { key: ws.adminKey, body: { grace_period_seconds: 0 } });
    expectProblem(await call("/v1/execute-prompt", { key: r.key, body: ask("after rotation") }), 401, "UNAUTHENTICATED");
  });
});
