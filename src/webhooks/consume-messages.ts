import { type Config, loadConfig } from "../config";
import type { Write } from "../db/batch";
import type { Database } from "../db/client";
import { openDatabase } from "../db/client";
import { egressPolicy } from "../egress/policy";
import { type IdGenerator, newId } from "../lib/ids";
import { log } from "../lib/log";
import { openSecretBox } from "../lib/secret-box";
import type { WebhookDeliverMessage, WebhookEventMessage, WebhookMessage, WebhookQueue } from "../queue/messages";
import { afterAttempt, attemptDelivery, DELIVERY_TIMEOUT_MS, retryDelaySeconds } from "./delivery";
import { ALL_EVENTS } from "./event-types";
import {
  abandonDelivery,
  claimDeliveries,
  findDeliveriesWithWebhooks,
  insertDelivery,
  listActiveWebhooks,
  listUnattemptedDeliveries,
  recordAttempt,
  type WebhookDeliveryRow,
  type WebhookRow,
} from "./repository";
import { webhookSecretBinding } from "./webhooks";

/** What the webhook queue's consumer touches; handed in so tests can run it directly. */
export interface WebhookQueueDeps {
  db: Database;
  webhooks: WebhookQueue;
  config: Config;
  now: () => Date;
  newId: IdGenerator;
}

/** D1 binds at most 100 parameters per statement; a lookup key takes two. */
const LOOKUP_CHUNK = 40;
/** Delivery ids per claim statement, beside its four other parameters. */
const CLAIM_CHUNK = 90;

/**
 * How long an attempt holds its delivery: the receiver's timeout and a
 * margin. A consumer that dies mid-attempt holds it no longer than this.
 */
const CLAIM_MS = DELIVERY_TIMEOUT_MS + 20_000;

/**
 * The webhook queue's consumer (`stagecraft-webhooks`). Webhooks have their
 * own queue, so a slow receiver holds up only other deliveries, never the
 * execution records of the events queue.
 */
export async function consumeWebhookQueue(batch: MessageBatch<WebhookMessage>, env: Env): Promise<void> {
  const deps = { db: openDatabase(env.DB), webhooks: env.WEBHOOKS, config: loadConfig(env), now: () => new Date(), newId };
  await consumeWebhookMessages(deps, batch.messages);
}

/**
 * Fans events out and attempts deliveries; each kind of message is retried
 * on its own should its D1 work fail.
 */
export async function consumeWebhookMessages(deps: WebhookQueueDeps, messages: readonly Message<WebhookMessage>[]): Promise<void> {
  const events = messages.filter((m): m is Message<WebhookEventMessage> => m.body.type === "webhook.event");
  const deliveries = messages.filter((m): m is Message<WebhookDeliverMessage> => m.body.type === "webhook.deliver");
  await Promise.all([guarded(events, () => fanOut(deps, events)), guarded(deliveries, () => deliver(deps, deliveries))]);
}

async function guarded(messages: Message<WebhookMessage>[], work: () => Promise<void>) {
  if (messages.length === 0) return;
  try {
    await work();
  } catch (error) {
    log.error("webhook messages failed; retrying them", { count: messages.length, error });
    for (const m of messages) m.retry();
  }
}

function subscribes(webhook: WebhookRow, type: string) {
  return webhook.events.includes(ALL_EVENTS) || webhook.events.includes(type);
}

/**
 * One delivery row per (event, subscribed active webhook), all inserted in
 * one D1 batch, then one `webhook.deliver` message per new row. A
 * redelivered event inserts nothing new; it re-sends only deliveries a
 * crash left unattempted.
 */
async function fanOut(deps: WebhookQueueDeps, messages: Message<WebhookEventMessage>[]) {
  const hooks = new Map<string, Promise<WebhookRow[]>>();
  const webhooksOf = (workspaceId: string, environmentId: string) => {
    const key = `${workspaceId}/${environmentId}`;
    if (!hooks.has(key)) hooks.set(key, listActiveWebhooks(deps.db, workspaceId, environmentId));
    return hooks.get(key)!;
  };
  const createdAt = deps.now().toISOString();
  const rows: WebhookDeliveryRow[] = [];
  for (const { body } of messages) {
    const payload = JSON.stringify(body.event);
    for (const webhook of await webhooksOf(body.workspace_id, body.environment_id)) {
      if (!subscribes(webhook, body.event.type)) continue;
      rows.push({
        id: deps.newId("webhookDelivery"),
        workspaceId: body.workspace_id,
        webhookId: webhook.id,
        eventId: body.event.id,
        eventType: body.event.type,
        payload,
        status: "pending",
        attempts: [],
        nextAttemptAt: createdAt,
        createdAt,
        deliveredAt: null,
        claimedUntil: null,
      });
    }
  }
  // One statement per row: a row binds 12 parameters, and D1 allows 100 per statement.
  const inserts = rows.map((row) => insertDelivery(deps.db, row));
  const inserted = inserts.length === 0 ? [] : (await deps.db.batch(inserts as [(typeof inserts)[number], ...typeof inserts])).flat();
  const redelivered = messages.filter((m) => m.attempts > 1).map((m) => listUnattemptedDeliveries(deps.db, m.body.workspace_id, m.body.event.id));
  const leftBehind = (await Promise.all(redelivered)).flat();
  const toSend = new Map([...inserted, ...leftBehind].map((d) => [d.id, d]));
  await sendAll(
    deps.webhooks,
    [...toSend.values()].map((d) => ({ type: "webhook.deliver", workspace_id: d.workspaceId, delivery_id: d.id, round_start: 0 })),
  );
  for (const m of messages) m.ack();
}

function retryDelaySecondsFor(deps: WebhookQueueDeps, failures: number) {
  return retryDelaySeconds(failures, deps.config.webhookRetryBaseSeconds);
}

async function sendAll(queue: WebhookQueue, bodies: WebhookDeliverMessage[]) {
  for (let i = 0; i < bodies.length; i += 100) await queue.sendBatch(bodies.slice(i, i + 100).map((body) => ({ body })));
}

/**
 * One attempt for each pending delivery named in the batch, concurrently;
 * the outcomes are written in one D1 batch, then each message is
 * acknowledged or retried after its backoff. A delivery that already
 * succeeded or failed is never sent again, and one that another consumer
 * holds for its attempt is left to it, so a redelivered message is harmless.
 */
async function deliver(deps: WebhookQueueDeps, messages: Message<WebhookDeliverMessage>[]) {
  const keys = messages.map((m) => ({ workspaceId: m.body.workspace_id, id: m.body.delivery_id }));
  const claimed = await claim(deps, keys);
  const found = new Map<string, { delivery: WebhookDeliveryRow; webhook: WebhookRow }>();
  for (let i = 0; i < keys.length; i += LOOKUP_CHUNK) {
    for (const row of await findDeliveriesWithWebhooks(deps.db, keys.slice(i, i + LOOKUP_CHUNK))) found.set(row.delivery.id, row);
  }
  const box = await openSecretBox(deps.config.masterKey);
  const seen = new Set<string>();
  const writes: Write[] = [];
  const settle: (() => void)[] = [];
  await Promise.all(
    messages.map(async (message) => {
      const row = found.get(message.body.delivery_id);
      // Gone (its webhook was deleted), already ended, or a duplicate message within this batch.
      if (row?.delivery.status !== "pending" || seen.has(row.delivery.id)) return settle.push(() => message.ack());
      seen.add(row.delivery.id);
      // Another copy of this message is being attempted elsewhere: look again once its hold has lapsed.
      if (!claimed.has(row.delivery.id)) return settle.push(() => message.retry({ delaySeconds: CLAIM_MS / 1000 }));
      const { delivery, webhook } = row;
      if (!webhook.active) {
        writes.push(abandonDelivery(deps.db, delivery.workspaceId, delivery.id));
        return settle.push(() => message.ack());
      }
      try {
        const secret = await box.open(webhook.secretCiphertext, webhookSecretBinding(webhook.environmentId, webhook.id));
        const { ok: delivered, ...attempt } = await attemptDelivery(webhook.url, secret, delivery, deps.now, egressPolicy(deps.config));
        const inRound = delivery.attempts.length + 1 - message.body.round_start;
        const outcome = afterAttempt({ ok: delivered, at: attempt.at }, inRound, deps.config.webhookRetryBaseSeconds);
        writes.push(recordAttempt(deps.db, delivery.workspaceId, delivery.id, attempt, outcome.next));
        settle.push(() => (outcome.retryInSeconds === null ? message.ack() : message.retry({ delaySeconds: outcome.retryInSeconds })));
      } catch (error) {
        // Not the receiver's fault (the secret would not open): retry later without counting an attempt.
        log.error("webhook delivery could not be attempted", { delivery_id: delivery.id, error });
        settle.push(() => message.retry({ delaySeconds: retryDelaySecondsFor(deps, 1) }));
      }
    }),
  );
  if (writes.length > 0) await deps.db.batch(writes as [Write, ...Write[]]);
  for (const done of settle) done();
}

/** Claims the named pending deliveries that no other consumer holds (one D1 batch); returns the ids now held here. */
async function claim(deps: WebhookQueueDeps, keys: { workspaceId: string; id: string }[]): Promise<Set<string>> {
  const now = deps.now();
  const until = new Date(now.getTime() + CLAIM_MS).toISOString();
  const byWorkspace = new Map<string, string[]>();
  for (const k of keys) byWorkspace.set(k.workspaceId, [...(byWorkspace.get(k.workspaceId) ?? []), k.id]);
  const claims = [...byWorkspace].flatMap(([workspaceId, ids]) => {
    const statements = [];
    for (let i = 0; i < ids.length; i += CLAIM_CHUNK) statements.push(claimDeliveries(deps.db, workspaceId, ids.slice(i, i + CLAIM_CHUNK), now.toISOString(), until));
    return statements;
  });
  if (claims.length === 0) return new Set();
  const results = await deps.db.batch(claims as [(typeof claims)[number], ...typeof claims]);
  return new Set(results.flat().map((r) => r.id));
}
