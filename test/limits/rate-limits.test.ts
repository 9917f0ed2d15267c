import { describe, expect, it } from "vitest";
import { createWorkspace, expectProblem } from "../harness";
import { deployedWorkspace } from "../lifecycle/fixtures";
import { appWithRateLimiter, ask, eventually, executionCount, setLimits, startOfRateWindow } from "./fixtures";

const { call } = appWithRateLimiter();

describe("invoke rate limits", { timeout: 30_000 }, () => {
  it("a key past its per-minute limit gets 429 with Retry-After and RateLimit headers; the requests under it are served", async () => {
    const ws = await createWorkspace();
    await deployedWorkspace(ws);
    await setLimits(ws, "staging", { key_rate_limit_per_minute: 2 });
    const key = (await ws.key({ environment: "staging", scopes: ["execute"] })).key;
    await startOfRateWindow();

    // Both invoke routes count against the same limit.
    const first = await call("/v1/execute-prompt", { key, body: ask() });
    const second = await call("/v1/execute-prompt-stream", { key, body: ask() });
    const third = await call("/v1/execute-prompt", { key, body: ask() });

    expect(first.status).toBe(200);
    expect(first.body.state).toBe("FULFILLED");
    expect(second.status).toBe(200);
    const problem = expectProblem(third, 429, "RATE_LIMITED");
    expect(problem.detail).toContain("at most 2 times a minute");
    expect(problem.detail).toContain("key_rate_limit_per_minute");
    expect(third.headers.get("retry-after")).toBe("60");
    expect(third.headers.get("ratelimit-policy")).toBe('"key";q=2;w=60');
    expect(third.headers.get("ratelimit")).toBe('"key";r=0;t=60');

    // Served requests are recorded; the refused one is not.
    const staging = ws.environments.staging!.id;
    expect(
      await eventually(
        () => executionCount(staging),
        (n) => n >= 2,
      ),
    ).toBe(2);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await executionCount(staging)).toBe(2);

    // Another key of the environment, and the same workspace in an environment without limits, are untouched.
    const other = (await ws.key({ environment: "staging", scopes: ["execute"] })).key;
    expect((await call("/v1/execute-prompt", { key: other, body: ask() })).status).toBe(200);
    const development = (await ws.key({ environment: "development", scopes: ["execute"] })).key;
    for (let i = 0; i < 4; i++) expect((await call("/v1/execute-prompt", { key: development, body: ask() })).status).toBe(200);
  });

  it("the environment's limit counts every key together, and a key refused for its own rate takes nothing from it", async () => {
    const ws = await createWorkspace();
    await deployedWorkspace(ws);
    await setLimits(ws, "staging", { rate_limit_per_minute: 3, key_rate_limit_per_minute: 2 });
    const a = (await ws.key({ environment: "staging", scopes: ["execute"] })).key;
    const b = (await ws.key({ environment: "staging", scopes: ["execute"] })).key;
    await startOfRateWindow();

    const statuses = [];
    for (const key of [a, a, a, a]) statuses.push((await call("/v1/execute-prompt", { key, body: ask() })).status);
    // Key a: two served, then refused by its own limit, twice, without spending the environment's.
    expect(statuses).toEqual([200, 200, 429, 429]);
    expect((await call("/v1/execute-prompt", { key: b, body: ask() })).status).toBe(200);

    const refused = await call("/v1/execute-prompt", { key: b, body: ask() });
    const problem = expectProblem(refused, 429, "RATE_LIMITED");
    expect(problem.detail).toContain('Environment "staging" serves at most 3 invocations a minute');
    expect(refused.headers.get("ratelimit-policy")).toBe('"environment";q=3;w=60');
    expect(refused.headers.get("retry-after")).toBe("60");

    // A workspace key invoking in the environment counts against it too.
    const workspaceKey = (await ws.key({ environment: null, scopes: ["execute"] })).key;
    expectProblem(await call("/v1/execute-prompt?environment=staging", { key: workspaceKey, body: ask() }), 429, "RATE_LIMITED");
    // And the environment next door keeps its own count.
    expect((await call("/v1/execute-prompt?environment=development", { key: workspaceKey, body: ask() })).status).toBe(200);

    const staging = ws.environments.staging!.id;
    expect(
      await eventually(
        () => executionCount(staging),
        (n) => n >= 3,
      ),
    ).toBe(3);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await executionCount(staging)).toBe(3);
  });

  it("clearing the limits lets the environment's keys through again", async () => {
    const ws = await createWorkspace();
    await deployedWorkspace(ws);
    await setLimits(ws, "staging", { key_rate_limit_per_minute: 1 });
    const key = (await ws.key({ environment: "staging", scopes: ["execute"] })).key;
    await startOfRateWindow();
    expect((await call("/v1/execute-prompt", { key, body: ask() })).status).toBe(200);
    expectProblem(await call("/v1/execute-prompt", { key, body: ask() }), 429, "RATE_LIMITED");

    const cleared = await setLimits(ws, "staging", { key_rate_limit_per_minute: null });
    expect(cleared.key_rate_limit_per_minute).toBeNull();
    expect((await call("/v1/execute-prompt", { key, body: ask() })).status).toBe(200);
  });
});
