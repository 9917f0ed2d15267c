import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { runBatch } from "../../src/db/batch";
import { openDatabase } from "../../src/db/client";
import { insertExecutions } from "../../src/executions/repository";
import { recordJson } from "../../src/invoke/execution-record";
import { newId } from "../../src/lib/ids";
import { accountDailySpend } from "../../src/limits/account-spend";
import type { WebhookMessage } from "../../src/queue/messages";
import { completion, executionsRecorded, mockNetwork, upstreamDeployment } from "../execute/upstream";
import { call, createWorkspace, expectProblem } from "../harness";
import { executionRecord } from "../metrics/seed";
import { eventually, executionCount, setLimits } from "./fixtures";

afterEach(() => {
  vi.restoreAllMocks();
});

const ask = { prompt_deployment_name: "upstream-faq", inputs: [{ name: "question", type: "STRING", value: "How much?" }] };

/** 11 input and 7 output tokens at $10,000 per million each: $0.18 a call. */
const PRICES = { "openai/gpt-4o-mini": { input_per_million: 10_000, output_per_million: 10_000 } };

const today = () => new Date().toISOString().slice(0, 10);

async function spendRow(environmentId: string) {
  return env.DB.prepare("SELECT spent_usd, warned_at, exhausted_at FROM environment_daily_spend WHERE environment_id = ? AND day = ?")
    .bind(environmentId, today())
    .first<{ spent_usd: number; warned_at: string | null; exhausted_at: string | null }>();
}

describe("daily budgets", { timeout: 30_000 }, () => {
  it("invokes under the budget are served; once recorded spend reaches it the next invoke is refused and nothing is recorded; raising it lets invokes through", async () => {
    const ws = await createWorkspace();
    const upstreamCalls = mockNetwork(() => completion("It depends."));
    await upstreamDeployment(ws);
    await setLimits(ws, "staging", { model_prices: PRICES, daily_budget_usd: 0.4 });
    const staging = ws.environments.staging!.id;
    const key = (await ws.key({ environment: "staging", scopes: ["execute"] })).key;

    for (let i = 0; i < 2; i++) expect((await call("/v1/execute-prompt", { key, body: ask })).status).toBe(200);
    await executionsRecorded(ws.id, 2);
    const warned = await eventually(
      () => spendRow(staging),
      (row) => row?.warned_at != null,
    );
    expect(warned).toMatchObject({ spent_usd: expect.closeTo(0.36, 6), exhausted_at: null });
    // At 90% of the budget the environment still serves.
    expect((await call("/v1/execute-prompt", { key, body: ask })).status).toBe(200);
    await executionsRecorded(ws.id, 3);
    const exhausted = await eventually(
      () => spendRow(staging),
      (row) => row?.exhausted_at != null,
    );
    expect(exhausted?.spent_usd).toBeCloseTo(0.54, 6);

    const refused = await eventually(
      () => call("/v1/execute-prompt", { key, body: ask }),
      (res) => res.status === 429,
    );
    const problem = expectProblem(refused, 429, "BUDGET_EXHAUSTED");
    expect(problem.detail).toContain("$0.54");
    expect(problem.detail).toContain("$0.40");
    expect(problem.detail).toContain("daily_budget_usd");
    const tomorrow = new Date(Date.parse(`${today()}T00:00:00Z`) + 86_400_000);
    expect(problem.detail).toContain(tomorrow.toISOString());
    const retryAfter = Number(refused.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(Math.ceil((tomorrow.getTime() - Date.now()) / 1000) + 1);
    // Every invoke route refuses, a workspace key's too, and nothing reaches the model or the records.
    expectProblem(await call("/v1/execute-prompt-stream", { key, body: ask }), 429, "BUDGET_EXHAUSTED");
    const workspaceKey = (await ws.key({ environment: null, scopes: ["execute"] })).key;
    expectProblem(await call("/v1/execute-prompt?environment=staging", { key: workspaceKey, body: ask }), 429, "BUDGET_EXHAUSTED");
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(upstreamCalls).toHaveLength(3);
    expect(await executionCount(staging)).toBe(3);

    const raised = await setLimits(ws, "staging", { daily_budget_usd: 10 });
    expect(raised.daily_budget_usd).toBe(10);
    const served = await call("/v1/execute-prompt", { key, body: ask });
    expect(served.status).toBe(200);
    expect(served.body.state).toBe("FULFILLED");
    await executionsRecorded(ws.id, 4);
    expect(upstreamCalls).toHaveLength(4);

    // Each threshold was marked once, and the marks survive later batches.
    const after = await eventually(
      () => spendRow(staging),
      (row) => (row?.spent_usd ?? 0) > 0.7,
    );
    expect(after).toMatchObject({ warned_at: warned!.warned_at, exhausted_at: exhausted!.exhausted_at });
  });

  it("sends budget.warning at 80% and budget.exhausted at 100% once each, however often the spend is accounted", async () => {
    const ws = await createWorkspace();
    await setLimits(ws, "staging", { daily_budget_usd: 1 });
    const staging = ws.environments.staging!;
    const db = openDatabase(env.DB);
    const sent: WebhookMessage[] = [];
    const webhooks = { sendBatch: async (messages: { body: WebhookMessage }[]) => void sent.push(...messages.map((m) => m.body)) } as unknown as Queue<WebhookMessage>;
    const deps = { db, kv: env.EDGE, webhooks, now: () => new Date(), newId };
    const spend = async (cost: number) => {
      const record = executionRecord({ workspace_id: ws.id, environment_id: staging.id, started_at: Date.now(), cost_usd: cost });
      // Written twice, as a redelivered batch would be: the rollups, and so the spend, count it once.
      await runBatch(db, insertExecutions(db, [recordJson(record)]));
      await runBatch(db, insertExecutions(db, [recordJson(record)]));
      await accountDailySpend(deps);
      await accountDailySpend(deps);
    };
    const types = () => sent.map((m) => (m as { event: { type: string } }).event.type);

    await spend(0.5);
    expect(types()).toEqual([]);
    await spend(0.35);
    expect(types()).toEqual(["budget.warning"]);
    await spend(0.1);
    expect(types()).toEqual(["budget.warning"]);
    await spend(0.1);
    expect(types()).toEqual(["budget.warning", "budget.exhausted"]);
    await spend(0.5);
    expect(types()).toEqual(["budget.warning", "budget.exhausted"]);

    const [warning, exhausted] = sent as unknown as { event: { environment: string; data: { budget: Record<string, unknown> } } }[];
    expect(warning!.event.environment).toBe("staging");
    expect(warning!.event.data.budget).toMatchObject({ day: today(), daily_budget_usd: 1, spent_usd: expect.closeTo(0.85, 6), share: 0.8 });
    expect(exhausted!.event.data.budget).toMatchObject({ daily_budget_usd: 1, spent_usd: expect.closeTo(1.05, 6), share: 1 });
    const row = await spendRow(staging.id);
    expect(row?.spent_usd).toBeCloseTo(1.55, 6);
    // The outbox was relayed: nothing of these events is left in it.
    const left = await env.DB.prepare("SELECT count(*) AS n FROM event_outbox WHERE environment_id = ?").bind(staging.id).first<{ n: number }>();
    expect(left?.n).toBe(0);
    // The invoke path's KV entry says the day's budget is spent.
    const limits = await env.EDGE.get(`limits:${ws.id}:staging`, "json");
    expect(limits).toMatchObject({ daily_budget_usd: 1, exhausted: { day: today(), budget_usd: 1 } });
  });
});

describe("limit settings", () => {
  it("refuses a negative or non-number budget and a limit that is not a positive whole number, naming the field, and changes nothing", async () => {
    const ws = await createWorkspace();
    const before = (await call("/v1/environments/staging", { key: ws.adminKey })).body;
    const bad: [Record<string, unknown>, string][] = [
      [{ daily_budget_usd: -1 }, "body.daily_budget_usd"],
      [{ daily_budget_usd: "ten" }, "body.daily_budget_usd"],
      [{ rate_limit_per_minute: 0 }, "body.rate_limit_per_minute"],
      [{ rate_limit_per_minute: 2.5 }, "body.rate_limit_per_minute"],
      [{ key_rate_limit_per_minute: "60" }, "body.key_rate_limit_per_minute"],
    ];
    for (const [body, path] of bad) {
      const res = await call("/v1/environments/staging", { method: "PATCH", key: ws.adminKey, body });
      const problem = expectProblem(res, 400, "VALIDATION_FAILED");
      expect((problem.errors as { path: string }[]).map((e) => e.path)).toContain(path);
    }
    const created = await call("/v1/environments", { key: ws.adminKey, body: { name: "qa", daily_budget_usd: -0.01 } });
    expect((expectProblem(created, 400, "VALIDATION_FAILED").errors as { path: string }[]).map((e) => e.path)).toContain("body.daily_budget_usd");
    expect((await call("/v1/environments/staging", { key: ws.adminKey })).body).toEqual(before);
    expect(await env.EDGE.get(`limits:${ws.id}:staging`)).toBeNull();
  });

  it("stores the limits, shows them, and publishes them for the invoke path; clearing them all removes the entry", async () => {
    const ws = await createWorkspace();
    const created = await call("/v1/environments", { key: ws.adminKey, body: { name: "qa", rate_limit_per_minute: 600, key_rate_limit_per_minute: 60, daily_budget_usd: 25.5 } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ rate_limit_per_minute: 600, key_rate_limit_per_minute: 60, daily_budget_usd: 25.5 });
    expect(await env.EDGE.get(`limits:${ws.id}:qa`, "json")).toEqual({
      environment_id: created.body.id,
      rate_limit_per_minute: 600,
      key_rate_limit_per_minute: 60,
      daily_budget_usd: 25.5,
      exhausted: null,
    });
    const cleared = await call("/v1/environments/qa", {
      method: "PATCH",
      key: ws.adminKey,
      body: { rate_limit_per_minute: null, key_rate_limit_per_minute: null, daily_budget_usd: null },
    });
    expect(cleared.body).toMatchObject({ rate_limit_per_minute: null, key_rate_limit_per_minute: null, daily_budget_usd: null });
    expect(await env.EDGE.get(`limits:${ws.id}:qa`)).toBeNull();
  });
});
