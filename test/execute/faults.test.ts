import { afterEach, describe, expect, it, vi } from "vitest";
import { call, createWorkspace, expectProblem } from "../harness";
import { createSandbox } from "../lifecycle/fixtures";
import { completion, executionsRecorded, hang, mockNetwork, sse, upstreamDeployment } from "./upstream";

afterEach(() => {
  vi.restoreAllMocks();
});

const body = { prompt_deployment_name: "upstream-faq", inputs: [{ name: "question", type: "STRING", value: "Q?" }] };

async function setup() {
  const ws = await createWorkspace();
  await upstreamDeployment(ws);
  const key = (await ws.key({ environment: "staging", scopes: ["execute", "read"] })).key;
  return { ws, key };
}

describe("upstream faults become clean results, never a 500", () => {
  it.each([
    ["a 500", () => new Response("boom", { status: 500 }), "PROVIDER_ERROR"],
    ["a 401", () => new Response("nope", { status: 401 }), "PROVIDER_CREDENTIALS_UNAVAILABLE"],
    ["malformed JSON", () => new Response("{not json", { status: 200, headers: { "content-type": "application/json" } }), "PROVIDER_ERROR"],
    ["JSON without a message", () => Response.json({ choices: [] }), "PROVIDER_ERROR"],
    ["no answer within the timeout", hang, "REQUEST_TIMEOUT"],
  ])("%s → REJECTED and a recorded failed execution", async (_, upstream, code) => {
    const { ws, key } = await setup();
    mockNetwork(upstream);
    const res = await call("/v1/execute-prompt", { key, body });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ state: "REJECTED", error: { code, message: expect.any(String) } });
    expect(JSON.stringify(res.body)).not.toContain("sk-test-upstream-secret");
    const [recorded] = await executionsRecorded(ws.id, 1);
    expect(recorded).toMatchObject({ id: res.body.execution_id, status: "REJECTED", error_code: code });
  });

  it("a 429 is passed on with its Retry-After, and recorded", async () => {
    const { ws, key } = await setup();
    mockNetwork(() => new Response("slow down", { status: 429, headers: { "retry-after": "17" } }));
    const res = await call("/v1/execute-prompt", { key, body });
    expectProblem(res, 429, "UPSTREAM_RATE_LIMITED");
    expect(res.headers.get("retry-after")).toBe("17");
    expect((await executionsRecorded(ws.id, 1))[0]).toMatchObject({ status: "REJECTED", error_code: "PROVIDER_QUOTA_EXCEEDED" });
  });

  it("a stream cut off midway ends in a REJECTED event, after the text so far", async () => {
    const { ws, key } = await setup();
    mockNetwork(() => sse([{ choices: [{ delta: { content: "Par" } }] }], { cut: true }));
    const res = await call("/v1/execute-prompt-stream", { key, body });
    expect(res.status).toBe(200);
    const events = (res.body as string)
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    expect(events.map((e) => e.state)).toEqual(["INITIATED", "STREAMING", "REJECTED"]);
    expect(events[2].error.code).toBe("PROVIDER_ERROR");
    expect((await executionsRecorded(ws.id, 1))[0]).toMatchObject({ status: "REJECTED", error_code: "PROVIDER_ERROR" });
  });

  it("a stream that ends without finishing is REJECTED; a complete one is FULFILLED with usage", async () => {
    const { key } = await setup();
    mockNetwork(() => sse([{ choices: [{ delta: { content: "Pa" } }] }]));
    const cut = ((await call("/v1/execute-prompt-stream", { key, body })).body as string)
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(cut.at(-1).state).toBe("REJECTED");

    vi.restoreAllMocks();
    mockNetwork(() =>
      sse([
        { choices: [{ delta: { content: "Pa" } }] },
        { choices: [{ delta: { content: "ris" }, finish_reason: "stop" }] },
        { choices: [], usage: { prompt_tokens: 9, completion_tokens: 2 } },
        "[DONE]",
      ]),
    );
    const whole = ((await call("/v1/execute-prompt-stream", { key, body })).body as string)
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(whole.map((e) => e.state)).toEqual(["INITIATED", "STREAMING", "STREAMING", "FULFILLED"]);
    expect(whole[3]).toMatchObject({ outputs: [{ type: "STRING", value: "Paris" }], meta: { usage: { input_token_count: 9, output_token_count: 2 }, finish_reason: "STOP" } });
  });

  it("OpenAI itself needs OPENAI_API_KEY; a custom base_url may be a keyless server", async () => {
    const { ws, key } = await setup();
    await call("/v1/environments/staging/secrets/OPENAI_API_KEY", { method: "DELETE", key: ws.adminKey });
    const calls = mockNetwork(() => completion("from a keyless server"));
    const keyless = await call("/v1/execute-prompt", { key, body });
    expect(keyless.body.state).toBe("FULFILLED");
    expect(calls[0]!.headers.get("authorization")).toBeNull();

    const spec = {
      input_variables: [{ key: "question", type: "STRING" }],
      model: { provider: "openai", name: "gpt-4o-mini" },
      blocks: [{ role: "user", template: "{{ question }}" }],
    };
    const sandbox = await createSandbox(ws, "openai-direct", spec);
    await call(`/v1/sandboxes/${sandbox.id}/deploy`, { key: ws.adminKey, body: { deployment_name: "openai-direct", environments: ["staging"] } });
    const res = await call("/v1/execute-prompt", { key, body: { ...body, prompt_deployment_name: "openai-direct" } });
    expect(res.body).toMatchObject({ state: "REJECTED", error: { code: "PROVIDER_CREDENTIALS_UNAVAILABLE" } });
    expect(calls).toHaveLength(1);
  });
});
