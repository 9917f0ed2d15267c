import canonicalize from "canonicalize";
import type { Deps, Principal } from "../context";
import { runBatch, type Write } from "../db/batch";
import { isUniqueViolation } from "../db/d1-errors";
import type { KeyIdentity } from "../db/schema";
import { sha256Hex } from "../lib/crypto";
import { redactSecrets } from "../lib/redact";
import { ROLLOUT_TRANSITIONS } from "../webhooks/event-types";
import { type AuditEventRow, findAuditHead, insertAuditEvent, listAuditChainPage } from "./repository";

/** Who caused a change. */
export type Actor = { type: "api_key"; id: string; identity?: KeyIdentity | null | undefined } | { type: "bootstrap" } | { type: "system" };

/** The principal's key, with the CI identity it was issued to, if any (read from the cached key: no extra lookup). */
export function actorOf(principal: Principal): Actor {
  return principal.identity ? { type: "api_key", id: principal.keyId, identity: principal.identity } : { type: "api_key", id: principal.keyId };
}

/** Every action an audit event can record; `GET /v1/audit-events?action=` accepts only these. */
export const AUDIT_ACTIONS = [
  "workspace.created",
  "environment.created",
  "environment.updated",
  "environment.deleted",
  "secret.created",
  "secret.updated",
  "secret.deleted",
  "api_key.created",
  "api_key.rotated",
  "api_key.revoked",
  "sandbox.created",
  "sandbox.updated",
  "release.deployed",
  "release.promoted",
  "release.reverted",
  "release_tag.moved",
  "promotion.approved",
  "promotion.held",
  "promotion.rejected",
  "promotion.expired",
  "promotion.executed",
  ...ROLLOUT_TRANSITIONS,
  "scheduled_release.created",
  "scheduled_release.cancelled",
  "scheduled_release.fired",
  "test_suite.created",
  "test_suite.updated",
  "test_suite_run.completed",
  "document_index.created",
  "document_index.deleted",
  "document.added",
  "document.replaced",
  "document.deleted",
  "webhook.created",
  "webhook.updated",
  "webhook.deleted",
  "webhook.redelivery_requested",
  "oidc_trust_policy.created",
  "oidc_trust_policy.updated",
  "oidc_trust_policy.deleted",
  "oidc.token_exchanged",
] as const;

export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** What changed; `before`/`after` are public views, redacted again before storage. */
export interface AuditEntry {
  actor: Actor;
  action: AuditAction;
  targetType: string;
  targetId: string;
  environmentId: string | null;
  before: unknown;
  after: unknown;
}

/** The hash of the chain before its first event. */
export const GENESIS_HASH = "0".repeat(64);
const MAX_APPEND_ATTEMPTS = 10;

/** The fields an event's hash covers, in their stored form. */
function hashedFields(row: Omit<AuditEventRow, "hash">) {
  return {
    id: row.id,
    workspace_id: row.workspaceId,
    seq: row.seq,
    occurred_at: row.occurredAt,
    actor_type: row.actorType,
    actor_id: row.actorId,
    action: row.action,
    target_type: row.targetType,
    target_id: row.targetId,
    environment_id: row.environmentId,
    before: row.before ?? null,
    after: row.after ?? null,
    request_id: row.requestId,
    prev_hash: row.prevHash,
    // Hashed only when present, so events written before the column existed keep their hashes.
    ...(row.actorIdentity ? { actor_identity: row.actorIdentity } : {}),
  };
}

export async function computeEventHash(row: Omit<AuditEventRow, "hash">): Promise<string> {
  return sha256Hex(`${row.prevHash}\n${canonicalize(hashedFields(row))}`);
}

/**
 * Commits `writes` and their audit event as one D1 batch, so a state change
 * and its record land together or not at all.
 *
 * The event takes the next position in the workspace's hash chain. Two
 * concurrent commits may read the same head; the unique (workspace, seq)
 * index lets only one of them land, and the other retries on the new head.
 * Any other failure (a guard, a constraint) is rethrown for the caller to map.
 */
export async function commitWithAudit(deps: Pick<Deps, "db" | "now" | "newId" | "requestId">, workspaceId: string, writes: Write[], entry: AuditEntry): Promise<AuditEventRow> {
  for (let attempt = 1; ; attempt++) {
    const head = await findAuditHead(deps.db, workspaceId);
    const unhashed = {
      id: deps.newId("auditEvent"),
      workspaceId,
      seq: (head?.seq ?? 0) + 1,
      occurredAt: deps.now().toISOString(),
      actorType: entry.actor.type,
      actorId: entry.actor.type === "api_key" ? entry.actor.id : null,
      actorIdentity: entry.actor.type === "api_key" ? (entry.actor.identity ?? null) : null,
      action: entry.action,
      targetType: entry.targetType,
      targetId: entry.targetId,
      environmentId: entry.environmentId,
      before: redactSecrets(entry.before ?? null),
      after: redactSecrets(entry.after ?? null),
      requestId: deps.requestId,
      prevHash: head?.hash ?? GENESIS_HASH,
    };
    const row: AuditEventRow = { ...unhashed, hash: await computeEventHash(unhashed) };
    try {
      await runBatch(deps.db, [...writes, insertAuditEvent(deps.db, row)]);
      return row;
    } catch (error) {
      const chainMoved = isUniqueViolation(error, "audit_events.workspace_id, audit_events.seq");
      if (!chainMoved || attempt >= MAX_APPEND_ATTEMPTS) throw error;
    }
  }
}

export type ChainVerdict = { valid: true; events: number } | { valid: false; events: number; first_invalid_event_id: string; reason: string };

const VERIFY_PAGE_SIZE = 500;

/** Walks a workspace's chain from its first event, recomputing every link. */
export async function verifyAuditChain(deps: Pick<Deps, "db">, workspaceId: string): Promise<ChainVerdict> {
  let previous = { seq: 0, hash: GENESIS_HASH };
  let checked = 0;
  for (;;) {
    const page = await listAuditChainPage(deps.db, workspaceId, previous.seq, VERIFY_PAGE_SIZE);
    for (const row of page) {
      const reason =
        row.seq !== previous.seq + 1
          ? `sequence jumps from ${previous.seq} to ${row.seq}: events are missing`
          : row.prevHash !== previous.hash
            ? "prev_hash does not match the hash of the event before it"
            : row.hash !== (await computeEventHash(row))
              ? "hash does not match the event's contents: the event was altered"
              : null;
      if (reason) return { valid: false, events: checked, first_invalid_event_id: row.id, reason };
      previous = { seq: row.seq, hash: row.hash };
      checked++;
    }
    if (page.length < VERIFY_PAGE_SIZE) return { valid: true, events: checked };
  }
}
