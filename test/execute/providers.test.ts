import { afterEach, describe, expect, it, vi } from "vitest";
import { call, createWorkspace } from "../harness";
import { createSandbox } from "../lifecycle/fixtures";
import { mockNetwork, sse, UPSTREAM } from "./upstream";

afterEach(() => {
  vi.restoreAllMocks();
});

async function deployModel(model: Record<string, unknown>, secrets: Record<string, string>) {
  const ws = await createWorkspace();
  const spec = {
    input_variables: [{ key: "q", type: "STRING" }],
    model,
    blocks: [
      { role: "system", template: "Be kind." },
      { role: "user", template: "{{ q }}" },
    ],
  };
  const sandbox = await createSandbox(ws, "m", spec);
  for (const [name, value] of Object.entries(secrets)) await call(`/v1/environments/staging/secrets/${name}`, { method: "PUT", key: ws.adminKey, body: { value } });
  await call(`/v1/sandboxes/${sandbox.id}/deploy`, { key: ws.adminKey, body: { deployment_name: "m", environments: ["staging"] } });
  return (await ws.key({ environment: "staging", scopes: ["execute"] })).key;
}

const body = { prompt_deployment_name: "m", inputs: [{ name: "q", type: "STRING", value: "Hi" }] };

describe("providers", () => {
  it("Anthropic: system apart, key in x-api-key, usage and stop reason mapped, streaming", async () => {
    const key = await deployModel({ provider: "anthropic", name: "claude-3-5-haiku-latest", base_url: UPSTREAM, parameters: { max_tokens: 50 } }, { ANTHROPIC_API_KEY: "ak-1" });
    const calls = mockNetwork((request) =>
      request.url.endsWith("/messages") && request.headers.get("accept") !== "text/event-stream"
        ? Response.json({ content: [{ type: "text", text: "Hello!" }], stop_reason: "end_turn", usage: { input_tokens: 12, output_tokens: 3 } })
        : new Response("unexpected", { status: 500 }),
    );
    const res = await call("/v1/execute-prompt", { key, body });
    expect(res.body).toMatchObject({
      state: "FULFILLED",
      outputs: [{ value: "Hello!" }],
      meta: { finish_reason: "STOP", usage: { input_token_count: 12, output_token_count: 3 } },
    });
    expect(res.body.meta.cost.value).toBeCloseTo((12 * 0.8 + 3 * 4) / 1_000_000, 12);
    expect(calls[0]!.url).toBe(`${UPSTREAM}/messages`);
    expect(calls[0]!.headers.get("x-api-key")).toBe("ak-1");
    expect(JSON.parse(calls[0]!.body)).toEqual({ max_tokens: 50, model: "claude-3-5-haiku-latest", system: "Be kind.", messages: [{ role: "user", content: "Hi" }] });

    vi.restoreAllMocks();
    mockNetwork(() =>
      sse([
        { type: "message_start", message: { usage: { input_tokens: 12 } } },
        { type: "content_block_delta", index: 0, delta: { type: "text_delta", text: "Hel" } },
        { type: "content_block_delta", index: 0, delta: { type: "text_delta", text: "lo" } },
        { type: "message_delta", delta: { stop_reason: "max_tokens" }, usage: { output_tokens: 2 } },
        { type: "message_stop" },
      ]),
    );
    const streamed = ((await call("/v1/execute-prompt-stream", { key, body })).body as string)
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(streamed.at(-1)).toMatchObject({
      state: "FULFILLED",
      outputs: [{ value: "Hello" }],
      meta: { finish_reason: "LENGTH", usage: { input_token_count: 12, output_token_count: 2 } },
    });
  });

  it("Workers AI: its OpenAI-compatible endpoint with the account's token", async () => {
    const key = await deployModel({ provider: "workers-ai", name: "@cf/meta/llama-3.1-8b-instruct", base_url: UPSTREAM }, { CLOUDFLARE_API_TOKEN: "cf-token" });
    const calls = mockNetwork(() => Response.json({ choices: [{ message: { content: "Hey" }, finish_reason: "length" }], usage: { prompt_tokens: 5, completion_tokens: 1 } }));
    const res = await call("/v1/execute-prompt", { key, body });
    expect(res.body).toMatchObject({ state: "FULFILLED", outputs: [{ value: "Hey" }], meta: { finish_reason: "LENGTH" } });
    expect(calls[0]!.headers.get("authorization")).toBe("Bearer cf-token");
  });
});
