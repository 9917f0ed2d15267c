import { authorize, resolveEnvironment } from "../access/permissions";
import { actorOf, commitWithAudit } from "../audit/audit-log";
import type { Deps, Principal } from "../context";
import { guard } from "../db/batch";
import { isGuardViolation } from "../db/d1-errors";
import { checkOutboundUrl } from "../egress/outbound-url";
import { egressPolicy } from "../egress/policy";
import type { EnvironmentRow } from "../environments/repository";
import { findEnvironmentById } from "../environments/repository";
import { decodeCursor, toPage } from "../lib/pagination";
import { fail, ok, type Result } from "../lib/result";
import { openSecretBox } from "../lib/secret-box";
import type { WebhookDeliverMessage } from "../queue/messages";
import { ALL_EVENTS } from "./event-types";
import {
  deleteWebhook,
  deliveryHasEnded,
  findDelivery,
  findWebhook,
  insertWebhook,
  listDeliveries,
  listWebhooks,
  reopenDelivery,
  updateWebhook,
  type WebhookDeliveryRow,
  type WebhookRow,
  webhookIsActive,
} from "./repository";
import { generateWebhookSecret } from "./signature";

/**
 * Per-environment webhooks: administered with `admin` in their environment.
 * The signing secret is returned once, by create; it is stored sealed under
 * MASTER_KEY and never shown, logged or audited again.
 */

/** How the API shows a webhook: never with its secret. */
export function webhookView(row: WebhookRow, environmentName: string) {
  return {
    id: row.id,
    environment: environmentName,
    url: row.url,
    events: row.events,
    description: row.description,
    active: row.active,
    created_at: row.createdAt,
    created_by: row.createdBy,
    updated_at: row.updatedAt,
  };
}
export type WebhookView = ReturnType<typeof webhookView>;

/** How the API shows a delivery, with every attempt and the payload sent. */
export function deliveryView(row: WebhookDeliveryRow) {
  return {
    id: row.id,
    webhook_id: row.webhookId,
    event_id: row.eventId,
    event_type: row.eventType,
    status: row.status,
    attempts: row.attempts,
    next_attempt_at: row.nextAttemptAt,
    created_at: row.createdAt,
    delivered_at: row.deliveredAt,
    payload: JSON.parse(row.payload) as unknown,
  };
}
export type DeliveryView = ReturnType<typeof deliveryView>;

/** The additional data that ties a sealed signing secret to its webhook. */
export const webhookSecretBinding = (environmentId: string, webhookId: string) => `${environmentId}/webhook/${webhookId}`;

export interface WebhookInput {
  url: string;
  /** Event types, or `*` for all; default `["*"]`. */
  events?: string[] | undefined;
  description?: string | undefined;
  active?: boolean | undefined;
}

/**
 * Refuses a URL the egress policy would not call from this environment
 * (its allowlist included), naming `body.url`; null when it may be called.
 */
function urlRefusal(deps: Deps, environment: Pick<EnvironmentRow, "egressAllowlist">, url: string) {
  const verdict = checkOutboundUrl(url, egressPolicy(deps.config, { egress_allowlist: environment.egressAllowlist }));
  return verdict.ok ? null : fail("VALIDATION_FAILED", `The webhook URL cannot be called: ${verdict.reason}`, [{ path: "body.url", message: verdict.reason }]);
}

/** A webhook the principal administers, with its environment; 404 for anything it cannot see. */
async function administeredWebhook(deps: Deps, principal: Principal, id: string): Promise<Result<{ row: WebhookRow; environment: EnvironmentRow }>> {
  const found = authorize(principal, await findWebhook(deps.db, principal.workspaceId, id), "admin", `No webhook with id "${id}"`);
  if (!found.ok) return found;
  const row = found.value;
  // Deleting an environment deletes its webhooks in the same batch, so this misses only during that delete.
  const environment = await findEnvironmentById(deps.db, principal.workspaceId, row.environmentId);
  return environment ? ok({ row, environment }) : fail("NOT_FOUND", `No webhook with id "${id}"`);
}

/** Creates a webhook in the environment the request acts in; the one response that carries its secret. */
export async function createWebhook(deps: Deps, principal: Principal, environmentName: string | undefined, input: WebhookInput): Promise<Result<WebhookView & { secret: string }>> {
  const env = await resolveEnvironment(deps, principal, environmentName, "admin");
  if (!env.ok) return env;
  const refused = urlRefusal(deps, env.value, input.url);
  if (refused) return refused;
  const now = deps.now().toISOString();
  const id = deps.newId("webhook");
  const secret = generateWebhookSecret();
  const box = await openSecretBox(deps.config.masterKey);
  const row: WebhookRow = {
    id,
    workspaceId: principal.workspaceId,
    environmentId: env.value.id,
    url: input.url,
    events: input.events ?? [ALL_EVENTS],
    description: input.description ?? "",
    secretCiphertext: await box.seal(secret, webhookSecretBinding(env.value.id, id)),
    active: input.active ?? true,
    createdAt: now,
    createdBy: principal.keyId,
    updatedAt: now,
  };
  const view = webhookView(row, env.value.name);
  await commitWithAudit(deps, principal.workspaceId, [insertWebhook(deps.db, row)], {
    actor: actorOf(principal),
    action: "webhook.created",
    targetType: "webhook",
    targetId: id,
    environmentId: env.value.id,
    before: null,
    after: view,
  });
  return ok({ ...view, secret });
}

/** One environment's webhooks, newest first. */
export async function listWebhooksFor(deps: Deps, principal: Principal, query: { environment?: string | undefined; cursor?: string | undefined; limit: number }) {
  const list = { name: "webhooks", filters: { environment: query.environment } };
  const before = decodeCursor<string>(query.cursor, "string", list);
  if (!before.ok) return before;
  const env = await resolveEnvironment(deps, principal, query.environment, "admin");
  if (!env.ok) return env;
  const rows = await listWebhooks(deps.db, { workspaceId: principal.workspaceId, environmentId: env.value.id, beforeId: before.value, limit: query.limit + 1 });
  return ok(
    toPage(
      rows,
      query.limit,
      (r) => r.id,
      (r) => webhookView(r, env.value.name),
      list,
    ),
  );
}

/** A webhook, without its secret. */
export async function getWebhook(deps: Deps, principal: Principal, id: string): Promise<Result<WebhookView>> {
  const found = await administeredWebhook(deps, principal, id);
  return found.ok ? ok(webhookView(found.value.row, found.value.environment.name)) : found;
}

/**
 * Changes a webhook's URL, events, description or active flag; deliveries
 * still pending go to the new URL. `description: null` clears it.
 */
export async function changeWebhook(
  deps: Deps,
  principal: Principal,
  id: string,
  changes: Partial<Omit<WebhookInput, "description">> & { description?: string | null | undefined },
): Promise<Result<WebhookView>> {
  const found = await administeredWebhook(deps, principal, id);
  if (!found.ok) return found;
  const { row: before, environment } = found.value;
  const refused = changes.url === undefined ? null : urlRefusal(deps, environment, changes.url);
  if (refused) return refused;
  const after: WebhookRow = {
    ...before,
    url: changes.url ?? before.url,
    events: changes.events ?? before.events,
    description: changes.description === null ? "" : (changes.description ?? before.description),
    active: changes.active ?? before.active,
    updatedAt: deps.now().toISOString(),
  };
  await commitWithAudit(deps, principal.workspaceId, [updateWebhook(deps.db, after)], {
    actor: actorOf(principal),
    action: "webhook.updated",
    targetType: "webhook",
    targetId: id,
    environmentId: before.environmentId,
    before: webhookView(before, environment.name),
    after: webhookView(after, environment.name),
  });
  return ok(webhookView(after, environment.name));
}

/** Deletes a webhook with its delivery log; deliveries still queued for it are dropped. */
export async function removeWebhook(deps: Deps, principal: Principal, id: string): Promise<Result<WebhookView>> {
  const found = await administeredWebhook(deps, principal, id);
  if (!found.ok) return found;
  const view = webhookView(found.value.row, found.value.environment.name);
  await commitWithAudit(deps, principal.workspaceId, deleteWebhook(deps.db, principal.workspaceId, id), {
    actor: actorOf(principal),
    action: "webhook.deleted",
    targetType: "webhook",
    targetId: id,
    environmentId: found.value.row.environmentId,
    before: view,
    after: null,
  });
  return ok(view);
}

/** A webhook's delivery log, newest first, each delivery with all its attempts. */
export async function listDeliveriesFor(deps: Deps, principal: Principal, id: string, query: { cursor?: string | undefined; limit: number }) {
  const list = { name: "webhook-deliveries", filters: { webhook: id } };
  const before = decodeCursor<string>(query.cursor, "string", list);
  if (!before.ok) return before;
  const found = await administeredWebhook(deps, principal, id);
  if (!found.ok) return found;
  const rows = await listDeliveries(deps.db, { workspaceId: principal.workspaceId, webhookId: id, beforeId: before.value, limit: query.limit + 1 });
  return ok(toPage(rows, query.limit, (r) => r.id, deliveryView, list));
}

/**
 * Sends an ended delivery (succeeded or failed) again, with the same event
 * id and a fresh budget of attempts. A delivery still being retried is left
 * to its retries.
 */
export async function redeliver(deps: Deps, principal: Principal, webhookId: string, deliveryId: string): Promise<Result<DeliveryView>> {
  const found = await administeredWebhook(deps, principal, webhookId);
  if (!found.ok) return found;
  const delivery = await findDelivery(deps.db, principal.workspaceId, webhookId, deliveryId);
  if (!delivery) return fail("NOT_FOUND", `No delivery with id "${deliveryId}" for this webhook`);
  const stillPending = fail("DELIVERY_PENDING", "The delivery is still being attempted; wait for it to succeed or fail");
  if (delivery.status === "pending") return stillPending;
  // An inactive webhook is sent nothing: a reopened delivery would only be abandoned by the consumer.
  const inactive = fail("WEBHOOK_INACTIVE", 'The webhook is inactive, so nothing would be sent; set "active": true on it, then redeliver');
  if (!found.value.row.active) return inactive;
  const now = deps.now().toISOString();
  const reopened: WebhookDeliveryRow = { ...delivery, status: "pending", nextAttemptAt: now, deliveredAt: null };
  // The checks travel in the batch: of two redeliveries at once, one reopens the delivery and the other is refused;
  // a webhook switched off meanwhile is refused too.
  const writes = [
    guard(deps.db, principal.workspaceId, deliveryHasEnded(principal.workspaceId, deliveryId)),
    guard(deps.db, principal.workspaceId, webhookIsActive(principal.workspaceId, webhookId)),
    reopenDelivery(deps.db, principal.workspaceId, deliveryId, now),
  ];
  try {
    await commitWithAudit(deps, principal.workspaceId, writes, {
      actor: actorOf(principal),
      action: "webhook.redelivery_requested",
      targetType: "webhook_delivery",
      targetId: deliveryId,
      environmentId: found.value.row.environmentId,
      before: { status: delivery.status, attempts: delivery.attempts.length },
      after: { status: "pending", event_id: delivery.eventId },
    });
  } catch (error) {
    if (isGuardViolation(error)) return (await findWebhook(deps.db, principal.workspaceId, webhookId))?.active ? stillPending : inactive;
    throw error;
  }
  const message: WebhookDeliverMessage = { type: "webhook.deliver", workspace_id: principal.workspaceId, delivery_id: deliveryId, round_start: delivery.attempts.length };
  // Committed first: a message that arrived before the commit would find the delivery ended and drop itself.
  await deps.webhooks.send(message);
  return ok(deliveryView(reopened));
}
