/** A rollout's transitions: each is both an audit action and a webhook event of the same name. */
export const ROLLOUT_TRANSITIONS = [
  "rollout.started",
  "rollout.advanced",
  "rollout.held",
  "rollout.paused",
  "rollout.resumed",
  "rollout.rolled_back",
  "rollout.completed",
  "rollout.aborted",
] as const;

/** Every event a webhook can subscribe to. */
export const webhookEventTypes = [
  "release.created",
  "release.promoted",
  "release.reverted",
  "promotion.requested",
  "promotion.approved",
  "promotion.rejected",
  "test_suite_run.completed",
  ...ROLLOUT_TRANSITIONS,
  "budget.warning",
  "budget.exhausted",
] as const;
export type WebhookEventType = (typeof webhookEventTypes)[number];

/** Subscribes a webhook to every event type, including those added later. */
export const ALL_EVENTS = "*";

/** The JSON body every delivery of an event carries; `id` is also the `webhook-id` header. */
export interface WebhookEventPayload {
  id: string;
  type: WebhookEventType;
  created_at: string;
  workspace_id: string;
  /** The environment's name. */
  environment: string;
  data: Record<string, unknown>;
}
