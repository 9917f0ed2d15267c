import type { Deps, QueueMessage } from "../context";

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
}

/** Queue messages are capped at 128 KB; inputs and outputs beyond this are summarized. */
const MAX_PAYLOAD_CHARS = 32_000;

export function clip(value: unknown): unknown {
  const text = JSON.stringify(value ?? null);
  return text.length <= MAX_PAYLOAD_CHARS ? value : { truncated: true, preview: text.slice(0, MAX_PAYLOAD_CHARS) };
}

/** Records waiting to be sent, shared by the requests of this isolate. */
const pending: { body: QueueMessage }[] = [];
let flush: Promise<void> | null = null;
/** How long a record may wait for others to share its queue send. */
const FLUSH_DELAY_MS = 20;
/** The most messages one sendBatch takes. */
const MAX_BATCH = 100;

async function flushSoon(queue: Queue<QueueMessage>): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, FLUSH_DELAY_MS));
  // Records arriving from now on start the next flush.
  flush = null;
  const batch = pending.splice(0, pending.length);
  for (let i = 0; i < batch.length; i += MAX_BATCH) {
    const chunk = batch.slice(i, i + MAX_BATCH);
    await queue.sendBatch(chunk).catch((error: unknown) => {
      console.error(JSON.stringify({ level: "error", message: "could not enqueue execution records", count: chunk.length, error: String(error) }));
    });
  }
}

/**
 * Hands the record to the queue without delaying the response: the queue
 * consumer writes it to D1, so the invoke path itself never touches D1.
 *
 * Under load, the records of one isolate's concurrent requests share a
 * queue send (one sendBatch per ~20 ms instead of one send per request);
 * every request waits on that send, so none is lost when its request ends.
 */
export function enqueueExecution(deps: Pick<Deps, "events">, ctx: Pick<ExecutionContext, "waitUntil">, record: ExecutionRecord) {
  pending.push({ body: { type: "execution.recorded", execution: { ...record, inputs: clip(record.inputs), outputs: clip(record.outputs) } } });
  flush ??= flushSoon(deps.events);
  ctx.waitUntil(flush);
}
