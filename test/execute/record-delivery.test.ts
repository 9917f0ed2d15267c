import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { packRecords, recordJson } from "../../src/invoke/execution-record";
import { call, createWorkspace } from "../harness";
import { createSandbox, deploy, promptSpec } from "../lifecycle/fixtures";
import { deliver, executionRecord } from "../metrics/seed";
import { executionsRecorded } from "./upstream";

/** The most bytes a queue message may hold. */
const QUEUE_MESSAGE_LIMIT = 128 * 1024;

describe("how execution records travel", () => {
  it("packs many records into few messages, in order, each within the queue's message limit", () => {
    const small = Array.from({ length: 300 }, (_, i) =>
      executionRecord({ workspace_id: "ws", environment_id: "env", started_at: i, inputs: [{ name: "q", type: "STRING", value: "x".repeat(100) }] }),
    );
    const big = executionRecord({ workspace_id: "ws", environment_id: "env", started_at: 999, inputs: [{ name: "q", type: "STRING", value: "é".repeat(23_000) }] });
    // The worst case: every field at its limit, in characters that JSON escapes and V8 stores in two bytes.
    const worst = executionRecord({
      workspace_id: "ws",
      environment_id: "env",
      started_at: 1_000,
      inputs: [{ name: "q", type: "STRING", value: '"é\\'.repeat(20_000) }],
      outputs: [{ type: "STRING", value: '"✓'.repeat(20_000) }],
      metadata: { note: '"✓'.repeat(10_000) },
    });
    const records = [...small.slice(0, 150), big, worst, ...small.slice(150)];
    const messages = packRecords(records.map(recordJson));

    const carried = messages.flatMap((m) => m.records.map((json) => JSON.parse(json).id));
    expect(carried).toEqual(records.map((r) => r.id));
    // 300 records of about 700 characters share a handful of messages rather than one each.
    expect(messages.length).toBeLessThanOrEqual(7);
    // V8 serialization stores a string of Latin-1 characters in a byte each, any other string in two bytes a character.
    // biome-ignore lint/suspicious/noControlCharactersInRegex: the range is Latin-1, control characters included, on purpose.
    const v8Bytes = (text: string) => text.length * (/[^\u0000-\u00ff]/.test(text) ? 2 : 1) + 8;
    for (const m of messages) expect(m.records.reduce((bytes, json) => bytes + v8Bytes(json), 64)).toBeLessThan(QUEUE_MESSAGE_LIMIT);
  });

  it("the consumer writes every field as it was recorded, and a redelivered message changes nothing", async () => {
    const ws = await createWorkspace();
    const environmentId = ws.environments.staging!.id;
    const startedAt = Date.UTC(2026, 10, 20, 9, 30, 15, 123);
    const fulfilled = executionRecord({
      workspace_id: ws.id,
      environment_id: environmentId,
      started_at: startedAt,
      deployment_id: "dep_x",
      release_id: "rel_x",
      model_provider: "openai",
      model_name: "gpt-4o-mini",
      input_tokens: 12,
      output_tokens: 5,
      cost_usd: 0.000123,
      latency_ms: 17.5,
      external_id: "ticket-7",
      metadata: { user: "ünïcode ✓", nested: { n: 1, flags: [true, false] } },
      inputs: [{ name: "question", type: "JSON", value: { a: [1, "two", null] } }],
      outputs: [{ type: "STRING", value: 'say "hi"\n' }],
      nodes: [{ id: "n1", latency_ms: 3 }],
    });
    const rejected = executionRecord({
      workspace_id: ws.id,
      environment_id: environmentId,
      started_at: startedAt + 1,
      status: "REJECTED",
      error_code: "PROVIDER_ERROR",
      error_message: "The model provider answered HTTP 500",
      outputs: null,
    });
    await deliver([fulfilled, rejected]);
    await deliver([fulfilled, rejected]);

    const key = (await ws.key({ environment: "staging", scopes: ["read"] })).key;
    const one = (await call(`/v1/executions/${fulfilled.id}`, { key })).body;
    expect(one).toMatchObject({
      id: fulfilled.id,
      deployment_id: "dep_x",
      release_id: "rel_x",
      release_tag: "LATEST",
      kind: "prompt",
      status: "FULFILLED",
      error: null,
      model: { provider: "openai", name: "gpt-4o-mini" },
      usage: { input_tokens: 12, output_tokens: 5 },
      cost_usd: 0.000123,
      latency_ms: 17.5,
      external_id: "ticket-7",
      metadata: fulfilled.metadata,
      inputs: fulfilled.inputs,
      outputs: fulfilled.outputs,
      nodes: fulfilled.nodes,
      quality_score: null,
      actual: null,
      created_at: "2026-11-20T09:30:15.123Z",
    });
    const two = (await call(`/v1/executions/${rejected.id}`, { key })).body;
    expect(two).toMatchObject({
      status: "REJECTED",
      error: { code: "PROVIDER_ERROR", message: "The model provider answered HTTP 500" },
      outputs: null,
      metadata: null,
      nodes: null,
      usage: null,
      cost_usd: null,
    });

    const rows = await env.DB.prepare("SELECT count(*) AS n FROM executions WHERE workspace_id = ?").bind(ws.id).first<{ n: number }>();
    expect(rows?.n).toBe(2);
    const rollup = await env.DB.prepare("SELECT sum(executions) AS executions, sum(errors) AS errors FROM execution_rollups WHERE workspace_id = ?").bind(ws.id).first();
    expect(rollup).toEqual({ executions: 2, errors: 1 });
  });

  it("an invoke with oversized inputs and metadata is recorded with both summarized", async () => {
    const ws = await createWorkspace();
    const sandbox = await createSandbox(ws, "faq", promptSpec("{{ question }}"));
    await deploy(ws, sandbox.id, ["staging"]);
    const key = (await ws.key({ environment: "staging", scopes: ["execute", "read"] })).key;
    const question = "q".repeat(30_000);
    const res = await call("/v1/execute-prompt", {
      key,
      body: { prompt_deployment_name: "faq", inputs: [{ name: "question", type: "STRING", value: question }], metadata: { note: "m".repeat(9_000) } },
    });
    expect(res.status).toBe(200);
    await executionsRecorded(ws.id, 1);
    const row = (await call(`/v1/executions/${res.body.execution_id}`, { key })).body;
    expect(row.inputs).toMatchObject({ truncated: true });
    // As long as the limit allows once the preview's own quotes are escaped.
    expect(JSON.stringify(row.inputs.preview).length).toBe(24_000);
    expect(row.outputs).toMatchObject({ truncated: true });
    expect(row.metadata).toMatchObject({ truncated: true });
    expect(JSON.stringify(row.metadata.preview).length).toBe(8_000);
    expect(row.metadata.preview.startsWith('{"note":"mmm')).toBe(true);
  });
});
