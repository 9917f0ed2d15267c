import { loadConfig } from "../config";
import { openDatabase } from "../db/client";
import { settlePromotions } from "../releases/settle-promotions";
import { runHousekeeping } from "./housekeeping";

/**
 * The cron trigger in wrangler.toml (every 15 minutes): each environment's
 * retention, idempotency-record cleanup, and promotion requests that expired
 * or that a freeze window no longer holds back. The two jobs touch different
 * rows and run side by side.
 */
export const runScheduled: ExportedHandlerScheduledHandler<Env> = async (controller, env, ctx) => {
  const db = openDatabase(env.DB);
  const now = () => new Date(controller.scheduledTime);
  ctx.waitUntil(runHousekeeping({ db, now }));
  ctx.waitUntil(settlePromotions({ db, now, coordinators: env.DEPLOYMENT_COORDINATOR, requestId: `scheduled-${controller.scheduledTime}`, config: loadConfig(env) }));
};
