import type { WebhookEventPayload } from "../webhooks/event-types";

/**
 * Every message on the events queue (`stagecraft-events`), discriminated by
 * `type`: what the request path hands over to be written to D1.
 * docs/storage.md describes who sends each and what its consumer does.
 */
export type QueueMessage = ApiKeyUsedMessage | ExecutionsRecordedMessage | ShadowExecutionsRecordedMessage;

/** The events queue, as producers and the consumer see it. */
export type EventQueue = Queue<QueueMessage>;

/**
 * Every message on the webhook queue (`stagecraft-webhooks`). Webhooks have
 * a queue of their own so that a slow or failing receiver never delays the
 * execution records on the events queue.
 */
export type WebhookMessage = WebhookEventMessage | WebhookDeliverMessage;

/** The webhook queue, as producers and its consumer see it. */
export type WebhookQueue = Queue<WebhookMessage>;

/** The webhook queue's name, as `wrangler.toml` declares it: the Worker's queue handler tells the two queues apart by it. */
export const WEBHOOK_QUEUE_NAME = "stagecraft-webhooks";

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
