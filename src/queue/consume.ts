import { touchApiKey } from "../access/repository";
import { loadConfig } from "../config";
import { runBatch } from "../db/batch";
import { openDatabase } from "../db/client";
import { insertExecutions } from "../executions/repository";
import { newId } from "../lib/ids";
import { insertShadowExecutions } from "../rollouts/shadow-repository";
import { consumeWebhookMessages, isWebhookMessage } from "../webhooks/consume-messages";
import type { QueueMessage, ShadowExecutionRecord } from "./messages";

/**
 * The events queue consumer: writes what the request path only enqueued,
 * one D1 batch per message batch. Every write here is idempotent (records
 * are inserted once by id; last_used_at only moves forward), so a
 * redelivered batch is harmless.
 *
 * Webhook messages come last, once the records are written and
 * acknowledged, so no receiver stands between an execution and its record
 * (see webhooks/consume-messages.ts).
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
  await runBatch(db, [
    ...[...latestUse].map(([keyId, use]) => touchApiKey(db, use.workspaceId, keyId, use.at)),
    ...insertExecutions(db, records),
    ...insertShadowExecutions(db, shadows),
  ]);
  const webhookMessages = batch.messages.filter((m) => isWebhookMessage(m.body));
  for (const m of batch.messages) if (!isWebhookMessage(m.body)) m.ack();
  await consumeWebhookMessages({ db, events: env.EVENTS, config: loadConfig(env), now: () => new Date(), newId }, webhookMessages);
}
