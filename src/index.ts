import { createApp } from "./app";
import type { QueueMessage } from "./context";
import { openDatabase } from "./db/client";
import { consumeEvents } from "./queue/consume-events";
import { runHousekeeping } from "./scheduled/housekeeping";

export { DeploymentCoordinator } from "./coordinator/deployment-coordinator";

const app = createApp();

export default {
  fetch: app.fetch,
  queue: consumeEvents,
  // The cron trigger in wrangler.toml: retention and idempotency-record cleanup.
  scheduled: async (controller, env, ctx) => {
    ctx.waitUntil(runHousekeeping({ db: openDatabase(env.DB), now: () => new Date(controller.scheduledTime) }));
  },
} satisfies ExportedHandler<Env, QueueMessage>;
