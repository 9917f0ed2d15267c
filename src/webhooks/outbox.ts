import type { Deps } from "../context";
import { runBatch, type Write } from "../db/batch";
import type { Database } from "../db/client";
import { log } from "../lib/log";
import type { WebhookEventMessage, WebhookQueue } from "../queue/messages";
import type { WebhookEventPayload } from "./event-types";
import type { WebhookEventInput } from "./events";
import { deleteOutboxEvents, insertOutboxEvent, listOutboxEvents, listOutboxEventsBefore, type OutboxEventRow } from "./repository";

/**
 * The event outbox: an event is written to D1 in the same batch as the
 * change it announces, then relayed to the webhook queue. A change and its
 * events thus land together or not at all, and an event is never lost to a
 * process dying between the commit and the send: whatever is left in the
 * outbox is relayed again (by the deployment coordinator's alarm for its
 * commands, by the scheduled sweep for everything), keeping its id, so the
 * fan-out makes no second delivery of it.
 *
 * @example
 * const events = [webhookEvent(deps, { type: "test_suite_run.completed", workspaceId, environment, data })];
 * await commitWithAudit(deps, workspaceId, [...writes, ...outboxWrites(deps.db, events)], entry);
 * await relayEvents(deps, events);
 */

/** What relaying needs: the outbox's database and the webhook queue. */
export interface RelayDeps {
  db: Database;
  webhooks: WebhookQueue;
}

/** Queues accept at most 100 messages and 256 KB in one sendBatch, and 128 KB in one message. */
const SEND_BATCH_MESSAGES = 100;
const SEND_BATCH_BYTES = 240_000;
const MESSAGE_BYTES = 120_000;
/** D1 binds at most 100 parameters per statement; an id list leaves room for the workspace. */
const ID_CHUNK = 90;
/** Rows the sweep reads at a time. */
const SWEEP_PAGE = 100;

/** An event with its id and time fixed, ready for `outboxWrites` and `relayEvents`. */
export function webhookEvent(deps: Pick<Deps, "now" | "newId">, input: WebhookEventInput): WebhookEventMessage {
  return {
    type: "webhook.event",
    workspace_id: input.workspaceId,
    environment_id: input.environment.id,
    event: {
      id: deps.newId("webhookEvent"),
      type: input.type,
      created_at: deps.now().toISOString(),
      workspace_id: input.workspaceId,
      environment: input.environment.name,
      data: input.data,
    },
  };
}

/** The statements that put `events` in the outbox: add them to the batch of the change (`runBatch`, `commitWithAudit`). */
export function outboxWrites(db: Database, events: WebhookEventMessage[]): Write[] {
  return events.map((message) =>
    insertOutboxEvent(db, {
      id: message.event.id,
      workspaceId: message.workspace_id,
      environmentId: message.environment_id,
      eventType: message.event.type,
      payload: JSON.stringify(message.event),
      createdAt: message.event.created_at,
    }),
  );
}

function messageOf(row: OutboxEventRow): WebhookEventMessage {
  return { type: "webhook.event", workspace_id: row.workspaceId, environment_id: row.environmentId, event: JSON.parse(row.payload) as WebhookEventPayload };
}

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Groups messages into sendBatch calls within the queue's limits. */
function sendBatches(sized: { message: WebhookEventMessage; bytes: number }[]) {
  const batches: WebhookEventMessage[][] = [];
  let current: WebhookEventMessage[] = [];
  let bytes = 0;
  for (const item of sized) {
    if (current.length === SEND_BATCH_MESSAGES || (current.length > 0 && bytes + item.bytes > SEND_BATCH_BYTES)) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
    current.push(item.message);
    bytes += item.bytes;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

async function forget(db: Database, events: WebhookEventMessage[]) {
  const byWorkspace = new Map<string, string[]>();
  for (const m of events) byWorkspace.set(m.workspace_id, [...(byWorkspace.get(m.workspace_id) ?? []), m.event.id]);
  const writes = [...byWorkspace].flatMap(([workspaceId, ids]) => chunks(ids, ID_CHUNK).map((chunk) => deleteOutboxEvents(db, workspaceId, chunk)));
  await runBatch(db, writes);
}

/**
 * Hands committed events to the webhook queue, then deletes their outbox
 * rows: a row goes only once its send succeeded. Never throws, since the
 * change is committed and its caller must hear so; returns whether every
 * event was relayed. What fails stays in the outbox for the next relay.
 *
 * An event too large to ever be a queue message cannot be relayed at all:
 * it is logged and dropped rather than retried forever.
 */
export async function relayEvents(deps: RelayDeps, events: WebhookEventMessage[]): Promise<boolean> {
  if (events.length === 0) return true;
  const encoder = new TextEncoder();
  const sized = events.map((message) => ({ message, bytes: encoder.encode(JSON.stringify(message)).length }));
  const oversized = sized.filter((s) => s.bytes > MESSAGE_BYTES).map((s) => s.message);
  if (oversized.length > 0) log.error("webhook events too large for the queue are dropped", { events: oversized.map((m) => ({ id: m.event.id, type: m.event.type })) });
  let relayedAll = true;
  for (const batch of sendBatches(sized.filter((s) => s.bytes <= MESSAGE_BYTES))) {
    try {
      await deps.webhooks.sendBatch(batch.map((body) => ({ body })));
      await forget(deps.db, batch);
    } catch (error) {
      relayedAll = false;
      // The rows stay (or, when only the delete failed, the events go again and the fan-out ignores the copies).
      log.warn("webhook events could not be relayed; the outbox keeps them", { events: batch.map((m) => ({ id: m.event.id, type: m.event.type })), error });
    }
  }
  if (oversized.length > 0) {
    try {
      await forget(deps.db, oversized);
    } catch (error) {
      relayedAll = false;
      log.warn("oversized webhook events could not be dropped", { error });
    }
  }
  return relayedAll;
}

/**
 * Relays the outbox rows of these events, for a producer that remembers
 * which events it owes (the deployment coordinator). Ids with no row were
 * relayed already, or belong to a change that never committed. Never
 * throws; returns whether nothing of them is left to relay.
 */
export async function relayOwedEvents(deps: RelayDeps, workspaceId: string, eventIds: string[]): Promise<boolean> {
  let rows: OutboxEventRow[];
  try {
    rows = (await Promise.all(chunks(eventIds, ID_CHUNK).map((chunk) => listOutboxEvents(deps.db, workspaceId, chunk)))).flat();
  } catch (error) {
    log.warn("the event outbox could not be read", { error });
    return false;
  }
  return relayEvents(deps, rows.map(messageOf));
}

/** What one sweep did. */
export interface SweepReport {
  relayed: number;
  /** False when a send failed or the run stopped at its limit, with rows perhaps left for the next sweep. */
  complete: boolean;
}

/**
 * The safety net: relays every outbox row created before `before`, oldest
 * first, at most `limit` of them. A producer relays its own events at once,
 * so a row this old means it died or the queue refused; the scheduled job
 * runs this every 15 minutes, so no event stays unsent for long.
 */
export async function sweepOutbox(deps: RelayDeps, before: Date, limit = 1_000): Promise<SweepReport> {
  let relayed = 0;
  while (relayed < limit) {
    const rows = await listOutboxEventsBefore(deps.db, before.toISOString(), Math.min(SWEEP_PAGE, limit - relayed));
    if (rows.length === 0) return { relayed, complete: true };
    if (!(await relayEvents(deps, rows.map(messageOf)))) return { relayed, complete: false };
    relayed += rows.length;
  }
  return { relayed, complete: false };
}
