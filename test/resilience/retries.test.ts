import { afterEach, describe, expect, it, vi } from "vitest";
import { completion, mockNetwork, sse } from "../execute/upstream";
import { call, expectProblem } from "../harness";
import { body, events, recordedExecution, resilientDeployment } from "./fixtures";

afterEach(() => {
  vi.restoreAllMocks();
});

/** The tests' UPSTREAM_TIMEOUT_MS (vitest.config.ts). */
const TIMEOUT_MS = 500;

/** Answers with `failures` in turn, then with `success` for every later call. */
function sequence(failures: (() => Response | Promise<Response>)[], success: () => Response) {
  let calls = 0;
  return () => (calls < failures.length ? failures[calls++]!() : success());
}

const unavailable = () => new Response("overloaded", { status: 503 });

describe("retries of a provider's transient failures", () => {
  it("a 503 twice then a 200 is FULFILLED on the third call, and the attempts show in meta, X-Model and the record", async () => {
    const { ws, key } = await resilientDeployment();
    const calls = mockNetwork(sequence([unavailable, unavailable], () => completion("Paris")));
    const res = await call("/v1/execute-prompt", { key, body });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      state: "FULFILLED",
      outputs: [{ value: "Paris" }],
      meta: { model_name: "gpt-4o-mini", model_provider: "openai", fallback_index: null, attempts: 3 },
    });
    expect(calls).toHaveLength(3);
    expect(res.headers.get("x-model")).toBe("openai/gpt-4o-mini; attempts=3");
    expect(await recordedExecution(ws.id, res.body.execution_id)).toMatchObject({
      status: "FULFILLED",
      model_provider: "openai",
      model_name: "gpt-4o-mini",
      attempts: 3,
      fallback_index: null,
      edge_stale: 0,
    });
  });

  it("a connection that fails is retried", async () => {
    const { key } = await resilientDeployment();
    const calls = mockNetwork(
      sequence(
        [
          () => {
            throw new TypeError("Network connection lost");
          },
        ],
        () => completion("Paris"),
      ),
    );
    const res = await call("/v1/execute-prompt", { key, body });
    expect(res.body).toMatchObject({ state: "FULFILLED", meta: { attempts: 2 } });
    expect(calls).toHaveLength(2);
  });

  it.each([
    ["a 400", 400, "PROVIDER_ERROR"],
    ["a 401", 401, "PROVIDER_CREDENTIALS_UNAVAILABLE"],
    ["a 404", 404, "PROVIDER_ERROR"],
  ])("%s is not retried", async (_, status, code) => {
    const { ws, key } = await resilientDeployment();
    const calls = mockNetwork(sequence([() => new Response("no", { status })], () => completion("never")));
    const res = await call("/v1/execute-prompt", { key, body });
    expect(res.body).toMatchObject({ state: "REJECTED", error: { code }, meta: { attempts: 1 } });
    expect(calls).toHaveLength(1);
    expect(await recordedExecution(ws.id, res.body.execution_id)).toMatchObject({ status: "REJECTED", error_code: code, attempts: 1 });
  });

  it("a 429 is retried after its Retry-After when that fits in the timeout, and passed on when it does not", async () => {
    const { key } = await resilientDeployment();
    const seen: number[] = [];
    mockNetwork(
      sequence(
        [
          () => {
            seen.push(Date.now());
            return new Response("slow down", { status: 429, headers: { "retry-after": "0.15" } });
          },
        ],
        () => {
          seen.push(Date.now());
          return completion("Paris");
        },
      ),
    );
    const retried = await call("/v1/execute-prompt", { key, body });
    expect(retried.body).toMatchObject({ state: "FULFILLED", meta: { attempts: 2 } });
    expect(seen[1]! - seen[0]!).toBeGreaterThanOrEqual(140);

    vi.restoreAllMocks();
    const calls = mockNetwork(() => new Response("slow down", { status: 429, headers: { "retry-after": "17" } }));
    const passedOn = await call("/v1/execute-prompt", { key, body });
    expectProblem(passedOn, 429, "UPSTREAM_RATE_LIMITED");
    expect(passedOn.headers.get("retry-after")).toBe("17");
    expect(calls).toHaveLength(1);
  });

  it("retries end within UPSTREAM_TIMEOUT_MS: a slow 503 is not called again once no time is left", async () => {
    const { ws, key } = await resilientDeployment();
    const calls = mockNetwork(async () => {
      await new Promise((resolve) => setTimeout(resolve, 200));
      return unavailable();
    });
    const started = Date.now();
    const res = await call("/v1/execute-prompt", { key, body });
    const elapsed = Date.now() - started;
    expect(res.body).toMatchObject({ state: "REJECTED", error: { code: "PROVIDER_ERROR", message: "The model provider answered HTTP 503" } });
    // Two calls of 200 ms and a short backoff leave under 100 ms: too little to wait and call again.
    expect(calls).toHaveLength(2);
    expect(elapsed).toBeLessThan(TIMEOUT_MS + 150);
    expect(await recordedExecution(ws.id, res.body.execution_id)).toMatchObject({ attempts: 2, error_code: "PROVIDER_ERROR" });
  });

  it("a stream is retried until its answer begins: a 503 then a stream is FULFILLED", async () => {
    const { key } = await resilientDeployment();
    const calls = mockNetwork(
      sequence([unavailable], () => sse([{ choices: [{ delta: { content: "Par" } }] }, { choices: [{ delta: { content: "is" }, finish_reason: "stop" }] }, "[DONE]"])),
    );
    const res = await call("/v1/execute-prompt-stream", { key, body });
    expect(res.status).toBe(200);
    expect(res.headers.get("x-model")).toBe("openai/gpt-4o-mini; attempts=2");
    const streamed = events(res.body);
    expect(streamed.map((e) => e.state)).toEqual(["INITIATED", "STREAMING", "STREAMING", "FULFILLED"]);
    expect(streamed.at(-1)).toMatchObject({ outputs: [{ value: "Paris" }], meta: { attempts: 2 } });
    expect(calls).toHaveLength(2);
  });
});
