import { createApp } from "./app";
import { consumeEvents } from "./queue/consume";
import { type QueueMessage, WEBHOOK_QUEUE_NAME, type WebhookMessage } from "./queue/messages";
import { runScheduled } from "./scheduled/run-scheduled";
import { consumeWebhookQueue } from "./webhooks/consume-messages";

export { DeploymentCoordinator } from "./releases/deployment-coordinator";

const app = createApp();

/** The Worker: the HTTP API, the consumers of its two queues, and the cron job. */
export default {
  fetch: app.fetch,
  queue: (batch, env) =>
    batch.queue === WEBHOOK_QUEUE_NAME ? consumeWebhookQueue(batch as MessageBatch<WebhookMessage>, env) : consumeEvents(batch as MessageBatch<QueueMessage>, env),
  scheduled: runScheduled,
} satisfies ExportedHandler<Env, QueueMessage | WebhookMessage>;
