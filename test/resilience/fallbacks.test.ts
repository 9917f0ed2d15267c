import { afterEach, describe, expect, it, vi } from "vitest";
import { completion, executionsRecorded, hang, mockNetwork, sse } from "../execute/upstream";
import { call, createWorkspace, expectProblem } from "../harness";
import { ANTHROPIC_FALLBACK, anthropicFallback, body, events, FALLBACK, openAiFallback, PRIMARY, recordedExecution, resilientDeployment } from "./fixtures";

afterEach(() => {
  vi.restoreAllMocks();
});

/** The tests' UPSTREAM_TIMEOUT_MS (vitest.config.ts). */
const TIMEOUT_MS = 500;

const anthropicAnswer = (text: string) => Response.json({ content: [{ type: "text", text }], stop_reason: "end_turn", usage: { input_tokens: 10, output_tokens: 2 } });

/** Which model each upstream call went to, in order. */
const modelsCalled = (calls: { url: string }[]) => calls.map((c) => (c.url.startsWith(PRIMARY) ? "primary" : c.url.startsWith(FALLBACK) ? "fallback" : "anthropic"));

describe("fallback models", () => {
  it("are tried in order once the model before has failed its retries; the answering model is in meta, X-Model, the record and the execution API", async () => {
    const { ws, key } = await resilientDeployment([openAiFallback, anthropicFallback]);
    const calls = mockNetwork((request) =>
      request.url.startsWith(PRIMARY)
        ? new Response("overloaded", { status: 503 })
        : request.url.startsWith(FALLBACK)
          ? new Response("bad gateway", { status: 502 })
          : anthropicAnswer("Paris"),
    );
    const res = await call("/v1/execute-prompt", { key, body });
    expect(res.body).toMatchObject({
      state: "FULFILLED",
      outputs: [{ value: "Paris" }],
      meta: { model_name: "claude-3-5-haiku-latest", model_provider: "anthropic", fallback_index: 1, attempts: 7 },
    });
    expect(modelsCalled(calls)).toEqual(["primary", "primary", "primary", "fallback", "fallback", "fallback", "anthropic"]);
    expect(calls.at(-1)!.url).toBe(`${ANTHROPIC_FALLBACK}/messages`);
    expect(calls.at(-1)!.headers.get("x-api-key")).toBe("ak-test-fallback");
    // Priced as the model that answered.
    expect(res.body.meta.cost.value).toBeCloseTo((10 * 0.8 + 2 * 4) / 1_000_000, 12);
    expect(res.headers.get("x-model")).toBe("anthropic/claude-3-5-haiku-latest; fallback=1; attempts=7");

    expect(await recordedExecution(ws.id, res.body.execution_id)).toMatchObject({
      status: "FULFILLED",
      model_provider: "anthropic",
      model_name: "claude-3-5-haiku-latest",
      fallback_index: 1,
      attempts: 7,
    });
    const view = await call(`/v1/executions/${res.body.execution_id}`, { key });
    expect(view.status).toBe(200);
    expect(view.body).toMatchObject({ model: { provider: "anthropic", name: "claude-3-5-haiku-latest", fallback_index: 1, attempts: 7 }, edge_stale: false });
  });

  it("take over from a primary that hangs, within UPSTREAM_TIMEOUT_MS", async () => {
    const { ws, key } = await resilientDeployment([openAiFallback]);
    const calls = mockNetwork((request) => (request.url.startsWith(PRIMARY) ? hang(request) : completion("Paris")));
    const started = Date.now();
    const res = await call("/v1/execute-prompt", { key, body });
    expect(res.body).toMatchObject({ state: "FULFILLED", outputs: [{ value: "Paris" }], meta: { model_name: "gpt-4o", fallback_index: 0, attempts: 2 } });
    expect(Date.now() - started).toBeLessThan(TIMEOUT_MS + 150);
    expect(modelsCalled(calls)).toEqual(["primary", "fallback"]);
    expect(await recordedExecution(ws.id, res.body.execution_id)).toMatchObject({ model_name: "gpt-4o", fallback_index: 0, attempts: 2 });
  });

  it("take over from a rate limit whose Retry-After does not fit: FULFILLED, not a 429", async () => {
    const { key } = await resilientDeployment([openAiFallback]);
    const calls = mockNetwork((request) => (request.url.startsWith(PRIMARY) ? new Response("slow down", { status: 429, headers: { "retry-after": "17" } }) : completion("Paris")));
    const res = await call("/v1/execute-prompt", { key, body });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ state: "FULFILLED", meta: { model_name: "gpt-4o", fallback_index: 0, attempts: 2 } });
    expect(modelsCalled(calls)).toEqual(["primary", "fallback"]);
  });

  it("are not tried for a failure another model would not fix: refused credentials, a 400", async () => {
    const { ws, key } = await resilientDeployment([openAiFallback]);
    const calls = mockNetwork((request) => (request.url.startsWith(PRIMARY) ? new Response("nope", { status: 401 }) : completion("never")));
    const refused = await call("/v1/execute-prompt", { key, body });
    expect(refused.body).toMatchObject({ state: "REJECTED", error: { code: "PROVIDER_CREDENTIALS_UNAVAILABLE" }, meta: { model_name: "gpt-4o-mini", attempts: 1 } });
    expect(modelsCalled(calls)).toEqual(["primary"]);
    expect(await recordedExecution(ws.id, refused.body.execution_id)).toMatchObject({ model_name: "gpt-4o-mini", fallback_index: null, attempts: 1 });

    vi.restoreAllMocks();
    const again = mockNetwork((request) => (request.url.startsWith(PRIMARY) ? new Response("bad request", { status: 400 }) : completion("never")));
    expect((await call("/v1/execute-prompt", { key, body })).body).toMatchObject({ state: "REJECTED", error: { code: "PROVIDER_ERROR" } });
    expect(modelsCalled(again)).toEqual(["primary"]);
  });

  it("when every model fails, the rejection names the last one tried; a last rate limit is passed on", async () => {
    const { ws, key } = await resilientDeployment([openAiFallback]);
    mockNetwork((request) =>
      request.url.startsWith(PRIMARY) ? new Response("overloaded", { status: 503 }) : new Response("slow down", { status: 429, headers: { "retry-after": "30" } }),
    );
    const res = await call("/v1/execute-prompt", { key, body });
    expectProblem(res, 429, "UPSTREAM_RATE_LIMITED");
    expect(res.headers.get("retry-after")).toBe("30");
    expect(res.headers.get("x-model")).toBe("openai/gpt-4o; fallback=0; attempts=4");
    const [recorded] = await executionsRecorded(ws.id, 1);
    expect(await recordedExecution(ws.id, recorded!.id)).toMatchObject({ error_code: "PROVIDER_QUOTA_EXCEEDED", model_name: "gpt-4o", fallback_index: 0, attempts: 4 });
  });

  it("take over in a stream until its answer begins; X-Model names the model streamed", async () => {
    const { ws, key } = await resilientDeployment([openAiFallback]);
    const calls = mockNetwork((request) =>
      request.url.startsWith(PRIMARY)
        ? new Response("overloaded", { status: 503 })
        : sse([{ choices: [{ delta: { content: "Paris" }, finish_reason: "stop" }] }, { choices: [], usage: { prompt_tokens: 5, completion_tokens: 1 } }, "[DONE]"]),
    );
    const res = await call("/v1/execute-prompt-stream", { key, body });
    expect(res.status).toBe(200);
    expect(res.headers.get("x-model")).toBe("openai/gpt-4o; fallback=0; attempts=4");
    const streamed = events(res.body);
    expect(streamed.map((e) => e.state)).toEqual(["INITIATED", "STREAMING", "FULFILLED"]);
    expect(streamed[0].meta).toMatchObject({ model_name: "gpt-4o", fallback_index: 0 });
    expect(streamed[2]).toMatchObject({ outputs: [{ value: "Paris" }], meta: { model_name: "gpt-4o", model_provider: "openai", fallback_index: 0, attempts: 4 } });
    expect(modelsCalled(calls)).toEqual(["primary", "primary", "primary", "fallback"]);
    expect(await recordedExecution(ws.id, streamed[0].execution_id)).toMatchObject({ status: "FULFILLED", model_name: "gpt-4o", fallback_index: 0, attempts: 4 });
  });

  it("are validated with the spec: each a model, at most three, errors naming the field", async () => {
    const ws = await createWorkspace();
    const spec = (fallback_models: unknown) => ({ model: { provider: "echo", name: "echo" }, fallback_models, blocks: [{ role: "user", template: "hi" }] });
    const unknownProvider = await call("/v1/sandboxes", { key: ws.adminKey, body: { name: "bad-fallback", kind: "prompt", spec: spec([{ provider: "nope", name: "x" }]) } });
    expectProblem(unknownProvider, 400, "VALIDATION_FAILED");
    expect(unknownProvider.body.errors.map((e: { path: string }) => e.path)).toContain("body.spec.fallback_models[0].provider");
    const tooMany = await call("/v1/sandboxes", { key: ws.adminKey, body: { name: "many-fallbacks", kind: "prompt", spec: spec(Array(4).fill(openAiFallback)) } });
    expectProblem(tooMany, 400, "VALIDATION_FAILED");
    expect(tooMany.body.errors.map((e: { path: string }) => e.path)).toContain("body.spec.fallback_models");
    const { status } = await call("/v1/sandboxes", { key: ws.adminKey, body: { name: "fallbacks", kind: "prompt", spec: spec([openAiFallback]) } });
    expect(status).toBe(201);
  });
});
