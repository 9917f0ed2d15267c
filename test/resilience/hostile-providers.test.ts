import { afterEach, describe, expect, it, vi } from "vitest";
import { MAX_ANSWER_BYTES } from "../../src/runtime/providers/bounded-body";
import { completion, mockNetwork, sse } from "../execute/upstream";
import { call } from "../harness";
import { body, bodyOf, events, flood, openAiFallback, PRIMARY, recordedExecution, resilientDeployment } from "./fixtures";

afterEach(() => {
  vi.restoreAllMocks();
});

/** The tests' UPSTREAM_TIMEOUT_MS (vitest.config.ts). */
const TIMEOUT_MS = 500;

const delta = (content: string) => `data: ${JSON.stringify({ choices: [{ delta: { content } }] })}\n\n`;

describe("a provider that hangs", () => {
  it("after its headers, with a body that never comes: a clean REQUEST_TIMEOUT at the timeout, recorded", async () => {
    const { ws, key } = await resilientDeployment();
    mockNetwork(() => bodyOf((controller, encode) => controller.enqueue(encode('{"choices":[{"message":'))));
    const started = Date.now();
    const res = await call("/v1/execute-prompt", { key, body });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ state: "REJECTED", error: { code: "REQUEST_TIMEOUT" } });
    expect(Date.now() - started).toBeLessThan(TIMEOUT_MS + 150);
    expect(await recordedExecution(ws.id, res.body.execution_id)).toMatchObject({ status: "REJECTED", error_code: "REQUEST_TIMEOUT" });
  });

  it("mid-stream: the text so far, then a REJECTED event at the timeout, recorded", async () => {
    const { ws, key } = await resilientDeployment();
    mockNetwork(() => bodyOf((controller, encode) => controller.enqueue(encode(delta("Par"))), "text/event-stream"));
    const started = Date.now();
    const res = await call("/v1/execute-prompt-stream", { key, body });
    const streamed = events(res.body);
    expect(streamed.map((e) => e.state)).toEqual(["INITIATED", "STREAMING", "REJECTED"]);
    expect(streamed[2].error.code).toBe("REQUEST_TIMEOUT");
    expect(Date.now() - started).toBeLessThan(TIMEOUT_MS + 150);
    expect(await recordedExecution(ws.id, streamed[0].execution_id)).toMatchObject({ status: "REJECTED", error_code: "REQUEST_TIMEOUT" });
  });
});

describe("a provider whose answer breaks off", () => {
  it("a whole answer cut midway is REJECTED as broken off (retried first), not as malformed JSON", async () => {
    const { ws, key } = await resilientDeployment();
    const calls = mockNetwork(() =>
      bodyOf((controller, encode) => {
        controller.enqueue(encode('{"choices":[{"message":{"content":"Par'));
        setTimeout(() => controller.error(new Error("connection reset")), 10);
      }),
    );
    const res = await call("/v1/execute-prompt", { key, body });
    expect(res.body).toMatchObject({ state: "REJECTED", error: { code: "PROVIDER_ERROR", message: "The model provider's answer broke off" } });
    expect(calls).toHaveLength(3);
    expect(await recordedExecution(ws.id, res.body.execution_id)).toMatchObject({ error_message: "The model provider's answer broke off", attempts: 3 });
  });

  it("a stream cut before its answer began goes to the fallback", async () => {
    const { key } = await resilientDeployment([openAiFallback]);
    const calls = mockNetwork((request) =>
      request.url.startsWith(PRIMARY)
        ? bodyOf((controller) => setTimeout(() => controller.error(new Error("connection reset")), 10), "text/event-stream")
        : sse([{ choices: [{ delta: { content: "Paris" }, finish_reason: "stop" }] }, "[DONE]"]),
    );
    const streamed = events((await call("/v1/execute-prompt-stream", { key, body })).body);
    expect(streamed.map((e) => e.state)).toEqual(["INITIATED", "STREAMING", "FULFILLED"]);
    expect(streamed[2].meta).toMatchObject({ model_name: "gpt-4o", fallback_index: 0, attempts: 4 });
    expect(calls).toHaveLength(4);
  });

  it("a stream cut after its first delta is neither retried nor handed to a fallback: a terminal REJECTED event, recorded", async () => {
    const { ws, key } = await resilientDeployment([openAiFallback]);
    const calls = mockNetwork((request) => (request.url.startsWith(PRIMARY) ? sse([{ choices: [{ delta: { content: "Par" } }] }], { cut: true }) : completion("never")));
    const res = await call("/v1/execute-prompt-stream", { key, body });
    expect(res.headers.get("x-model")).toBe("openai/gpt-4o-mini; attempts=1");
    const streamed = events(res.body);
    expect(streamed.map((e) => e.state)).toEqual(["INITIATED", "STREAMING", "REJECTED"]);
    expect(streamed[2]).toMatchObject({ error: { code: "PROVIDER_ERROR", message: "The model provider's answer broke off" }, meta: { attempts: 1 } });
    expect(calls).toHaveLength(1);
    expect(await recordedExecution(ws.id, streamed[0].execution_id)).toMatchObject({ status: "REJECTED", model_name: "gpt-4o-mini", attempts: 1, fallback_index: null });
  });
});

describe("a provider that floods", () => {
  it("an endless JSON body is cut off at the byte limit, without reading further: REJECTED, not retried", async () => {
    const { ws, key } = await resilientDeployment([openAiFallback]);
    const floods: { bytes: number }[] = [];
    const calls = mockNetwork((request) => {
      if (!request.url.startsWith(PRIMARY)) return completion("never");
      const { response, sent } = flood('{"choices":[{"message":{"content":"', "a".repeat(256 * 1024));
      floods.push(sent);
      return response;
    });
    const res = await call("/v1/execute-prompt", { key, body });
    expect(res.body).toMatchObject({ state: "REJECTED", error: { code: "PROVIDER_ERROR", message: "The model provider's answer exceeded 8 MiB and was cut off" } });
    expect(calls).toHaveLength(1);
    // Reading stopped at the limit: at most the chunks in flight beyond it were pulled.
    expect(floods[0]!.bytes).toBeGreaterThan(MAX_ANSWER_BYTES);
    expect(floods[0]!.bytes).toBeLessThan(MAX_ANSWER_BYTES + 4 * 256 * 1024);
    expect(await recordedExecution(ws.id, res.body.execution_id)).toMatchObject({ status: "REJECTED", error_code: "PROVIDER_ERROR", attempts: 1 });
  });

  it("one endless event is cut off before any delta is streamed", async () => {
    const { key } = await resilientDeployment();
    const calls = mockNetwork(() => flood('data: {"choices":[{"delta":{"content":"', "a".repeat(256 * 1024), "text/event-stream").response);
    const res = await call("/v1/execute-prompt-stream", { key, body });
    const streamed = events(res.body);
    expect(streamed.map((e) => e.state)).toEqual(["INITIATED", "REJECTED"]);
    expect(streamed[1].error).toEqual({ code: "PROVIDER_ERROR", message: "The model provider's answer exceeded 8 MiB and was cut off" });
    expect(calls).toHaveLength(1);
  });

  it("an endless stream of deltas ends with a terminal REJECTED event at the byte limit, recorded", async () => {
    const { ws, key } = await resilientDeployment();
    mockNetwork(() => flood(delta("start "), delta("b".repeat(64 * 1024)), "text/event-stream").response);
    const res = await call("/v1/execute-prompt-stream", { key, body });
    const streamed = events(res.body);
    const last = streamed.at(-1);
    expect(last).toMatchObject({ state: "REJECTED", error: { code: "PROVIDER_ERROR", message: "The model provider's answer exceeded 8 MiB and was cut off" } });
    const text = streamed.filter((e) => e.state === "STREAMING").reduce((sum, e) => sum + e.output.value.length, 0);
    expect(text).toBeLessThanOrEqual(MAX_ANSWER_BYTES);
    expect(await recordedExecution(ws.id, streamed[0].execution_id)).toMatchObject({ status: "REJECTED", error_code: "PROVIDER_ERROR" });
  });
});
