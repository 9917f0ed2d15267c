import type { Deps } from "../context";

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

/**
 * Hands the record to the queue without delaying the response: the queue
 * consumer writes it to D1, so the invoke path itself never touches D1.
 */
export function enqueueExecution(deps: Pick<Deps, "events">, ctx: Pick<ExecutionContext, "waitUntil">, record: ExecutionRecord) {
  ctx.waitUntil(
    deps.events.send({ type: "execution.recorded", execution: { ...record, inputs: clip(record.inputs), outputs: clip(record.outputs) } }).catch((error: unknown) => {
      console.error(JSON.stringify({ level: "error", message: "could not enqueue an execution record", execution_id: record.id, error: String(error) }));
    }),
  );
}
