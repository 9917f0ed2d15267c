import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { expect } from "vitest";
import { type ExecutionRecord, recordJson } from "../../src/invoke/execution-record";
import { consumeEvents } from "../../src/queue/consume";
import type { QueueMessage } from "../../src/queue/messages";
import { call } from "../harness";

let sequence = 0;

/** An execution record as the invoke path enqueues it; `started_at` and the release are what tests vary. */
export function executionRecord(fields: Partial<ExecutionRecord> & Pick<ExecutionRecord, "workspace_id" | "environment_id" | "started_at">): ExecutionRecord {
  sequence++;
  return {
    id: `exe_seed${String(sequence).padStart(6, "0")}${Math.random().toString(36).slice(2, 8)}`,
    deployment_id: null,
    release_id: null,
    release_tag: "LATEST",
    kind: "prompt",
    status: "FULFILLED",
    error_code: null,
    error_message: null,
    model_provider: "echo",
    model_name: "echo",
    input_tokens: null,
    output_tokens: null,
    cost_usd: null,
    latency_ms: 1,
    external_id: null,
    metadata: null,
    rollout_id: null,
    rollout_arm: null,
    rollout_step: null,
    inputs: [],
    outputs: [],
    nodes: null,
    ...fields,
  };
}

/** Delivers records through the real queue consumer, as the events queue would: 20 records to a message, 100 messages to a batch. */
export async function deliver(records: ExecutionRecord[]): Promise<void> {
  for (let i = 0; i < records.length; i += 2_000) {
    const chunk = records.slice(i, i + 2_000);
    const messages = Array.from({ length: Math.ceil(chunk.length / 20) }, (_, j) => ({
      id: `msg-${i}-${j}`,
      timestamp: new Date(),
      attempts: 1,
      body: { type: "executions.recorded", records: chunk.slice(j * 20, j * 20 + 20).map(recordJson) } satisfies QueueMessage,
    }));
    const batch = createMessageBatch<QueueMessage>("stagecraft-events", messages);
    const ctx = createExecutionContext();
    await consumeEvents(batch, env);
    const result = await getQueueResult(batch, ctx);
    expect(result.retryMessages).toEqual([]);
    expect(new Set(result.explicitAcks)).toEqual(new Set(messages.map((m) => m.id)));
  }
}

/** GET /v1/metrics with the given query. */
export function metrics(key: string, query: Record<string, string>) {
  return call(`/v1/metrics?${new URLSearchParams(query)}`, { key });
}

/** The figures of a bucket or release that saw nothing. */
export const EMPTY = {
  executions: 0,
  errors: 0,
  error_rate: null,
  latency_ms: { mean: null, p50: null, p95: null, p99: null },
  input_tokens: 0,
  output_tokens: 0,
  cost_usd: 0,
  quality: { mean: null, count: 0 },
};

/** Milliseconds of an ISO instant. */
export const at = (iso: string) => Date.parse(iso);
