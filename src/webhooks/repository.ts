import { and, desc, eq, inArray, lt, or, sql } from "drizzle-orm";
import type { Database } from "../db/client";
import { eventOutbox, webhookDeliveries, webhooks } from "../db/schema";

export type WebhookRow = typeof webhooks.$inferSelect;
export type OutboxEventRow = typeof eventOutbox.$inferSelect;
export type WebhookDeliveryRow = typeof webhookDeliveries.$inferSelect;
export type DeliveryAttempt = WebhookDeliveryRow["attempts"][number];

export async function findWebhook(db: Database, workspaceId: string, id: string): Promise<WebhookRow | null> {
  const [row] = await db
    .select()
    .from(webhooks)
    .where(and(eq(webhooks.workspaceId, workspaceId), eq(webhooks.id, id)));
  return row ?? null;
}

export interface WebhookFilter {
  workspaceId: string;
  environmentId: string;
  beforeId?: string | undefined;
  limit: number;
}

/** An environment's webhooks, newest first. */
export function listWebhooks(db: Database, filter: WebhookFilter) {
  return db
    .select()
    .from(webhooks)
    .where(and(eq(webhooks.workspaceId, filter.workspaceId), eq(webhooks.environmentId, filter.environmentId), filter.beforeId ? lt(webhooks.id, filter.beforeId) : undefined))
    .orderBy(desc(webhooks.id))
    .limit(filter.limit);
}

/** The active webhooks of an environment; an environment has few, so callers filter by event type. */
export function listActiveWebhooks(db: Database, workspaceId: string, environmentId: string) {
  return db
    .select()
    .from(webhooks)
    .where(and(eq(webhooks.workspaceId, workspaceId), eq(webhooks.environmentId, environmentId), eq(webhooks.active, true)));
}

export function insertWebhook(db: Database, row: WebhookRow) {
  return db.insert(webhooks).values(row);
}

export function updateWebhook(db: Database, row: WebhookRow) {
  return db
    .update(webhooks)
    .set({ url: row.url, events: row.events, description: row.description, active: row.active, updatedAt: row.updatedAt })
    .where(and(eq(webhooks.workspaceId, row.workspaceId), eq(webhooks.id, row.id)));
}

/** A webhook and its delivery log, which cannot outlive it. */
export function deleteWebhook(db: Database, workspaceId: string, id: string) {
  return [
    db.delete(webhookDeliveries).where(and(eq(webhookDeliveries.workspaceId, workspaceId), eq(webhookDeliveries.webhookId, id))),
    db.delete(webhooks).where(and(eq(webhooks.workspaceId, workspaceId), eq(webhooks.id, id))),
  ];
}

/** Every webhook of an environment and their delivery logs, for the environment's deletion. */
export function deleteEnvironmentWebhooks(db: Database, workspaceId: string, environmentId: string) {
  const ofEnvironment = db
    .select({ id: webhooks.id })
    .from(webhooks)
    .where(and(eq(webhooks.workspaceId, workspaceId), eq(webhooks.environmentId, environmentId)));
  return [
    db.delete(webhookDeliveries).where(and(eq(webhookDeliveries.workspaceId, workspaceId), inArray(webhookDeliveries.webhookId, ofEnvironment))),
    db.delete(webhooks).where(and(eq(webhooks.workspaceId, workspaceId), eq(webhooks.environmentId, environmentId))),
  ];
}

/**
 * A new delivery; one event reaches one webhook once, so a redelivered
 * event inserts nothing. Returns the row's key when it was inserted.
 */
export function insertDelivery(db: Database, row: WebhookDeliveryRow) {
  return db
    .insert(webhookDeliveries)
    .values(row)
    .onConflictDoNothing({ target: [webhookDeliveries.webhookId, webhookDeliveries.eventId] })
    .returning({ id: webhookDeliveries.id, workspaceId: webhookDeliveries.workspaceId });
}

/** Pending deliveries of these events that were never attempted: the ones a crashed fan-out may have left behind. */
export function listUnattemptedDeliveries(db: Database, workspaceId: string, eventId: string) {
  return db
    .select({ id: webhookDeliveries.id, workspaceId: webhookDeliveries.workspaceId })
    .from(webhookDeliveries)
    .where(
      and(
        eq(webhookDeliveries.workspaceId, workspaceId),
        eq(webhookDeliveries.eventId, eventId),
        eq(webhookDeliveries.status, "pending"),
        sql`json_array_length(${webhookDeliveries.attempts}) = 0`,
      ),
    );
}

/** Deliveries with their webhooks, by (workspace, delivery id). */
export function findDeliveriesWithWebhooks(db: Database, keys: { workspaceId: string; id: string }[]) {
  return db
    .select({ delivery: webhookDeliveries, webhook: webhooks })
    .from(webhookDeliveries)
    .innerJoin(webhooks, and(eq(webhooks.workspaceId, webhookDeliveries.workspaceId), eq(webhooks.id, webhookDeliveries.webhookId)))
    .where(or(...keys.map((k) => and(eq(webhookDeliveries.workspaceId, k.workspaceId), eq(webhookDeliveries.id, k.id)))));
}

export async function findDelivery(db: Database, workspaceId: string, webhookId: string, id: string): Promise<WebhookDeliveryRow | null> {
  const [row] = await db
    .select()
    .from(webhookDeliveries)
    .where(and(eq(webhookDeliveries.workspaceId, workspaceId), eq(webhookDeliveries.webhookId, webhookId), eq(webhookDeliveries.id, id)));
  return row ?? null;
}

export interface DeliveryFilter {
  workspaceId: string;
  webhookId: string;
  beforeId?: string | undefined;
  limit: number;
}

/** A webhook's delivery log, newest first. */
export function listDeliveries(db: Database, filter: DeliveryFilter) {
  return db
    .select()
    .from(webhookDeliveries)
    .where(
      and(
        eq(webhookDeliveries.workspaceId, filter.workspaceId),
        eq(webhookDeliveries.webhookId, filter.webhookId),
        filter.beforeId ? lt(webhookDeliveries.id, filter.beforeId) : undefined,
      ),
    )
    .orderBy(desc(webhookDeliveries.id))
    .limit(filter.limit);
}

/**
 * Appends one attempt to a pending delivery and sets where it stands now.
 * The append happens in SQL, so two racing attempts cannot drop each
 * other's record; a delivery that already ended is left untouched.
 */
export function recordAttempt(db: Database, workspaceId: string, id: string, attempt: DeliveryAttempt, next: Pick<WebhookDeliveryRow, "status" | "nextAttemptAt" | "deliveredAt">) {
  return db
    .update(webhookDeliveries)
    .set({
      attempts: sql`json_insert(${webhookDeliveries.attempts}, '$[#]', json(${JSON.stringify(attempt)}))`,
      status: next.status,
      nextAttemptAt: next.nextAttemptAt,
      deliveredAt: next.deliveredAt,
      claimedUntil: null,
    })
    .where(and(eq(webhookDeliveries.workspaceId, workspaceId), eq(webhookDeliveries.id, id), eq(webhookDeliveries.status, "pending")));
}

/**
 * Holds pending deliveries for one consumer's attempt until `until`, unless
 * another holds them still; returns the ids this call now holds. Two copies
 * of one `webhook.deliver` message in flight at once thus make one attempt.
 */
export function claimDeliveries(db: Database, workspaceId: string, ids: string[], now: string, until: string) {
  return db
    .update(webhookDeliveries)
    .set({ claimedUntil: until })
    .where(
      and(
        eq(webhookDeliveries.workspaceId, workspaceId),
        inArray(webhookDeliveries.id, ids),
        eq(webhookDeliveries.status, "pending"),
        or(sql`${webhookDeliveries.claimedUntil} IS NULL`, lt(webhookDeliveries.claimedUntil, now)),
      ),
    )
    .returning({ id: webhookDeliveries.id });
}

/** Ends a pending delivery without an attempt, e.g. when its webhook was switched off meanwhile. */
export function abandonDelivery(db: Database, workspaceId: string, id: string) {
  return db
    .update(webhookDeliveries)
    .set({ status: "failed", nextAttemptAt: null, claimedUntil: null })
    .where(and(eq(webhookDeliveries.workspaceId, workspaceId), eq(webhookDeliveries.id, id), eq(webhookDeliveries.status, "pending")));
}

/** Puts an ended delivery back in line for a new round of attempts. */
export function reopenDelivery(db: Database, workspaceId: string, id: string, at: string) {
  return db
    .update(webhookDeliveries)
    .set({ status: "pending", nextAttemptAt: at, deliveredAt: null })
    .where(and(eq(webhookDeliveries.workspaceId, workspaceId), eq(webhookDeliveries.id, id), sql`${webhookDeliveries.status} <> 'pending'`));
}

/** SQL condition: the delivery exists and has ended (succeeded or failed). */
export function deliveryHasEnded(workspaceId: string, id: string) {
  return sql`EXISTS (SELECT 1 FROM ${webhookDeliveries} WHERE ${webhookDeliveries.workspaceId} = ${workspaceId} AND ${webhookDeliveries.id} = ${id} AND ${webhookDeliveries.status} <> 'pending')`;
}

/** SQL condition: the webhook exists and is active. */
export function webhookIsActive(workspaceId: string, id: string) {
  return sql`EXISTS (SELECT 1 FROM ${webhooks} WHERE ${webhooks.workspaceId} = ${workspaceId} AND ${webhooks.id} = ${id} AND ${webhooks.active} = 1)`;
}

/** Adds an event to the outbox; part of the batch of the change it announces. */
export function insertOutboxEvent(db: Database, row: OutboxEventRow) {
  return db.insert(eventOutbox).values(row);
}

/** Outbox rows by (workspace, event id); ids already relayed, or never committed, are simply absent. */
export function listOutboxEvents(db: Database, workspaceId: string, ids: string[]) {
  return db
    .select()
    .from(eventOutbox)
    .where(and(eq(eventOutbox.workspaceId, workspaceId), inArray(eventOutbox.id, ids)));
}

/**
 * The oldest outbox rows created before `before`, across workspaces: the
 * scheduled sweep's read of what no producer managed to relay.
 */
export function listOutboxEventsBefore(db: Database, before: string, limit: number) {
  return db.select().from(eventOutbox).where(lt(eventOutbox.createdAt, before)).orderBy(eventOutbox.createdAt).limit(limit);
}

/** Forgets relayed events. */
export function deleteOutboxEvents(db: Database, workspaceId: string, ids: string[]) {
  return db.delete(eventOutbox).where(and(eq(eventOutbox.workspaceId, workspaceId), inArray(eventOutbox.id, ids)));
}
