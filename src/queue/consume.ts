import { touchApiKey } from "../access/repository";
import { runBatch } from "../db/batch";
import { openDatabase } from "../db/client";
import { insertExecutions } from "../executions/repository";
import { newId } from "../lib/ids";
import { log } from "../lib/log";
import { accountDailySpend } from "../limits/account-spend";
import { insertShadowExecutions } from "../rollouts/shadow-repository";
import type { QueueMessage, ShadowExecutionRecord } from "./messages";

/** How long a batch whose D1 write failed waits before the queue delivers it again. */
export const FAILED_BATCH_RETRY_SECONDS = 5;

/**
 * The events queue consumer: writes what the request path only enqueued,
 * one D1 batch per message batch. Every write here is idempotent (records
 * are inserted once by id; last_used_at only moves forward), so a
 * redelivered batch is harmless. Should the write fail, nothing of the
 * batch is written (D1 runs it as one transaction) and the whole batch is
 * delivered again a little later.
 *
 * Webhook messages have a queue of their own (webhooks/consume-messages.ts),
 * so no receiver ever stands between an execution and its record.
 */
export async function consumeEvents(batch: MessageBatch<QueueMessage>, env: Env): Promise<void> {
  const db = openDatabase(env.DB);
  const latestUse = new Map<string, { workspaceId: string; at: string }>();
  const records: string[] = [];
  const shadows: ShadowExecutionRecord[] = [];
  for (const { body } of batch.messages) {
    switch (body.type) {
      case "api_key.used": {
        const seen = latestUse.get(body.key_id);
        if (!seen || seen.at < body.at) latestUse.set(body.key_id, { workspaceId: body.workspace_id, at: body.at });
        break;
      }
      case "executions.recorded":
        records.push(...body.records);
        break;
      case "shadow_executions.recorded":
        shadows.push(...body.records);
        break;
    }
  }
  try {
    await runBatch(db, [
      ...[...latestUse].map(([keyId, use]) => touchApiKey(db, use.workspaceId, keyId, use.at)),
      ...insertExecutions(db, records),
      ...insertShadowExecutions(db, shadows),
    ]);
  } catch (error) {
    log.error("events batch could not be written; the queue delivers it again", { messages: batch.messages.length, records: records.length, error });
    batch.retryAll({ delaySeconds: FAILED_BATCH_RETRY_SECONDS });
    return;
  }
  for (const m of batch.messages) m.ack();
  if (records.length > 0) await accountDailySpend({ db, kv: env.EDGE, webhooks: env.WEBHOOKS, now: () => new Date(), newId });
}
