import { createApp } from "./app";
import { loadConfig } from "./config";
import type { QueueMessage } from "./context";
import { openDatabase } from "./db/client";
import { consumeEvents } from "./queue/consume";
import { runHousekeeping } from "./scheduled/housekeeping";
import { settlePromotions } from "./releases/settle-promotions";

export { DeploymentCoordinator } from "./releases/deployment-coordinator";

const app = createApp();

export default {
  fetch: app.fetch,
  queue: consumeEvents,
  // The cron trigger in wrangler.toml: retention, idempotency-record cleanup,
  // and promotion requests that expired or that a freeze window no longer holds back.
  scheduled: async (controller, env, ctx) => {
    const db = openDatabase(env.DB);
    const now = () => new Date(controller.scheduledTime);
    ctx.waitUntil(runHousekeeping({ db, now }));
    ctx.waitUntil(settlePromotions({ db, now, coordinators: env.DEPLOYMENT_COORDINATOR, requestId: `scheduled-${controller.scheduledTime}`, config: loadConfig(env) }));
  },
} satisfies ExportedHandler<Env, QueueMessage>;
