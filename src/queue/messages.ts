import type { WebhookEventPayload } from "../webhooks/event-types";

/**
 * Every message on the events queue, discriminated by `type`. docs/storage.md
 * describes who sends each and what its consumer does.
 */
export type QueueMessage = ApiKeyUsedMessage | ExecutionsRecordedMessage | WebhookEventMessage | WebhookDeliverMessage;

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
