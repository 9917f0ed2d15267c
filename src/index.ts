import { createApp } from "./app";
import { consumeEvents } from "./queue/consume";
import type { QueueMessage } from "./queue/messages";
import { runScheduled } from "./scheduled/run-scheduled";

export { DeploymentCoordinator } from "./releases/deployment-coordinator";

const app = createApp();

/** The Worker: the HTTP API, the events queue's consumer, and the cron job. */
export default {
  fetch: app.fetch,
  queue: consumeEvents,
  scheduled: runScheduled,
} satisfies ExportedHandler<Env, QueueMessage>;
