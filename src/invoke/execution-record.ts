import type { Deps } from "../context";
import { chunkBySize } from "../lib/chunk-by-size";
import { log } from "../lib/log";
import type { EventQueue, ExecutionsRecordedMessage } from "../queue/messages";

/** One invocation, as the queue carries it to D1. */
export interface ExecutionRecord {
  id: string;
  workspace_id: string;
  environment_id: string;
  deployment_id: string | null;
  release_id: string | null;
  release_tag: string | null;
  kind: "prompt" | "workflow";
  status: "FULFILLED" | "REJECTED";
  error_code: string | null;
  error_message: string | null;
  model_provider: string | null;
  model_name: string | null;
  input_tokens: number | null;
  output_tokens: number | null;
  cost_usd: number | null;
  latency_ms: number;
  external_id: string | null;
  metadata: Record<string, unknown> | null;
  inputs: unknown;
  outputs: unknown;
  nodes: unknown;
  started_at: number;
  /** The rollout whose split chose the release, the arm and the step; null outside a rollout. */
  rollout_id: string | null;
  rollout_arm: "stable" | "candidate" | null;
  rollout_step: number | null;
  /** Provider calls made in all, retries and fallbacks included; `model_*` name the model that answered (or was tried last). */
  attempts?: number | null;
  /** Null when the prompt's own model answered; otherwise the answering model's position in `fallback_models`. */
  fallback_index?: number | null;
  /** The release pointer or key entry was served from the isolate's last known value because KV failed. Default false. */
  edge_stale?: boolean;
}

/**
 * A queue message is capped at 128 KB. Inputs, outputs and metadata beyond
 * these lengths are summarized, so that one record, even of two-byte
 * characters, always fits a message.
 */
const MAX_PAYLOAD_CHARS = 24_000;
const MAX_METADATA_CHARS = 8_000;
/**
 * Records share a message up to this many characters of JSON. Messages are
 * sent V8-serialized, which stores a string in at most 2 bytes a character
 * (JSON messages would take up to 3, as UTF-8) and which the queue passes on
 * without parsing it.
 */
const MESSAGE_BUDGET_CHARS = 60_000;

/** The value, or a summary of it whose JSON takes at most `limit` characters. */
function clip(value: unknown, limit: number): unknown {
  const text = JSON.stringify(value ?? null);
  if (text.length <= limit) return value;
  // The preview is itself written as JSON, which escapes its quotes and backslashes.
  let preview = text.slice(0, limit);
  for (let written = JSON.stringify(preview).length; written > limit; written = JSON.stringify(preview).length) {
    preview = preview.slice(0, preview.length - (written - limit));
  }
  return { truncated: true, preview };
}

/**
 * The record as the queue carries it: its JSON text, written once here and
 * handed by the consumer to SQLite as it is.
 */
export function recordJson(record: ExecutionRecord): string {
  const json = JSON.stringify(record);
  // No field of a record this short can be over either limit.
  if (json.length <= MAX_METADATA_CHARS) return json;
  return JSON.stringify({
    ...record,
    inputs: clip(record.inputs, MAX_PAYLOAD_CHARS),
    outputs: clip(record.outputs, MAX_PAYLOAD_CHARS),
    metadata: clip(record.metadata, MAX_METADATA_CHARS),
  });
}

/** Records waiting to be sent, as JSON, shared by the requests of this isolate. */
const pending: string[] = [];
/** Whether a request has a send of `pending` scheduled. */
let flushScheduled = false;
/** How long a record may wait for others to share its queue message. */
const FLUSH_DELAY_MS = 50;

/** Packs records (as JSON) into as few messages as the size budget allows, in order. */
export function packRecords(records: string[]): ExecutionsRecordedMessage[] {
  return chunkBySize(records, (json) => json.length, MESSAGE_BUDGET_CHARS).map((chunk) => ({ type: "executions.recorded", records: chunk }));
}

async function flushSoon(queue: EventQueue): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, FLUSH_DELAY_MS));
  // Records arriving from now on start the next flush.
  flushScheduled = false;
  for (const message of packRecords(pending.splice(0, pending.length))) {
    await queue.send(message, { contentType: "v8" }).catch((error: unknown) => {
      log.error("could not enqueue execution records", { count: message.records.length, error });
    });
  }
}

/**
 * Hands the record to the queue without delaying the response: the queue
 * consumer writes it to D1, so the invoke path itself never touches D1.
 *
 * The records of one isolate's requests within ~50 ms share a queue
 * message (usually one send per 50 ms under load, not one per request).
 * A request whose key, pointer or environment came from the isolate's last
 * known value because KV failed is recorded so (`edge_stale`).
 *
 * The request that schedules the send keeps itself alive for it with
 * waitUntil; the others only add their records. No request waits on
 * another's promise: workerd ties each promise to the request that made it.
 */
export function enqueueExecution(deps: Pick<Deps, "events" | "edge">, ctx: Pick<ExecutionContext, "waitUntil">, record: ExecutionRecord) {
  pending.push(recordJson(deps.edge.stale ? { ...record, edge_stale: true } : record));
  if (flushScheduled) return;
  flushScheduled = true;
  ctx.waitUntil(flushSoon(deps.events));
}
