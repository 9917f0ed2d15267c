import { loadConfig } from "../config";
import { openDatabase } from "../db/client";
import { settlePromotions } from "../releases/settle-promotions";
import { sweepOutbox } from "../webhooks/outbox";
import { runHousekeeping } from "./housekeeping";

/** How old an outbox row must be before the sweep relays it; younger ones are their producer's to relay. */
const OUTBOX_SWEEP_AGE_MS = 60_000;

/**
 * The cron trigger in wrangler.toml (every 15 minutes): each environment's
 * retention, idempotency-record cleanup, webhook events left in the outbox,
 * and promotion requests that expired or that a freeze window no longer
 * holds back. The jobs touch different rows and run side by side.
 */
export const runScheduled: ExportedHandlerScheduledHandler<Env> = async (controller, env, ctx) => {
  const db = openDatabase(env.DB);
  const now = () => new Date(controller.scheduledTime);
  ctx.waitUntil(runHousekeeping({ db, now }));
  // Events left in the outbox for a minute: their producer died or the queue refused them.
  ctx.waitUntil(sweepOutbox({ db, webhooks: env.WEBHOOKS }, new Date(controller.scheduledTime - OUTBOX_SWEEP_AGE_MS)));
  ctx.waitUntil(settlePromotions({ db, now, coordinators: env.DEPLOYMENT_COORDINATOR, requestId: `scheduled-${controller.scheduledTime}`, config: loadConfig(env) }));
};
