import type { WebhookEventPayload } from "../webhooks/event-types";

/**
 * Every message on the events queue, discriminated by `type`. docs/storage.md
 * describes who sends each and what its consumer does.
 */
export type QueueMessage = ApiKeyUsedMessage | ExecutionsRecordedMessage | ShadowExecutionsRecordedMessage | WebhookEventMessage | WebhookDeliverMessage;

/** The events queue, as producers and the consumer see it. */
export type EventQueue = Queue<QueueMessage>;

/** A key authenticated; the consumer moves its `last_used_at` forward. */
export interface ApiKeyUsedMessage {
  type: "api_key.used";
  workspace_id: string;
  key_id: string;
  at: string;
}

/** Execution records for D1: each record's JSON, as `recordJson` writes it. */
export interface ExecutionsRecordedMessage {
  type: "executions.recorded";
  records: string[];
}

/** A shadow rollout's candidate answer to a copy of a request, and how it compares with the served answer. */
export interface ShadowExecutionRecord {
  id: string;
  workspace_id: string;
  environment_id: string;
  deployment_id: string;
  rollout_id: string;
  release_id: string;
  served_execution_id: string;
  status: "FULFILLED" | "REJECTED";
  error_code: string | null;
  latency_ms: number;
  input_tokens: number | null;
  output_tokens: number | null;
  cost_usd: number | null;
  outputs: unknown;
  same_output: boolean;
  similarity: number;
  started_at: number;
}

/** Shadow executions for D1's shadow_executions table (never the executions table). */
export interface ShadowExecutionsRecordedMessage {
  type: "shadow_executions.recorded";
  records: ShadowExecutionRecord[];
}

/** An event to fan out to the environment's subscribed webhooks. */
export interface WebhookEventMessage {
  type: "webhook.event";
  workspace_id: string;
  environment_id: string;
  event: WebhookEventPayload;
}

/**
 * One attempt (or retry) of one delivery. `round_start` is how many
 * attempts the delivery had when this round of attempts began: a manual
 * redelivery starts a new round with a fresh budget.
 */
export interface WebhookDeliverMessage {
  type: "webhook.deliver";
  workspace_id: string;
  delivery_id: string;
  round_start: number;
}
