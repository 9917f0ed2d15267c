import { AUDIT_ACTIONS, type ChainVerdict } from "../../audit/audit-log";
import { listAuditEventsFor, verifyWorkspaceAudit } from "../../audit/read-audit-events";
import type { Deps, Principal } from "../../context";
import type { EnvironmentView } from "../../environments/environments";
import { fail, ok, type Result } from "../../lib/result";
import { findReadableRollout } from "../../rollouts/rollouts";
import { readableEnvironments } from "../environments/environment-list";
import { type KeyNames, keyNames } from "../key-names";

/** Events per page of the log. */
export const PAGE_SIZE = 50;

/** The filters GET /v1/audit-events takes, as the page's query carries them ("" when not set). */
export interface AuditFilters {
  action: string;
  environment: string;
  target_id: string;
}

export type AuditEventItem = Extract<Awaited<ReturnType<typeof listAuditEventsFor>>, { ok: true }>["value"]["data"][number];

export interface AuditLog {
  events: AuditEventItem[];
  nextCursor: string | null;
  /** The chain's verdict, or null when the key is not a workspace admin (only they may verify the whole chain). */
  verdict: ChainVerdict | null;
  /** The environments the key may filter by, in pipeline order. */
  environments: EnvironmentView[];
  /** The names of the keys that acted. */
  actors: KeyNames;
  /** The deployment of each rollout the events name, for a link to its page. */
  rolloutDeployments: ReadonlyMap<string, string>;
}

/** The deployment of each rollout among the events' targets that the key may read. */
async function rolloutDeployments(deps: Deps, principal: Principal, events: AuditEventItem[]): Promise<Map<string, string>> {
  const ids = [...new Set(events.filter((e) => e.target.type === "rollout").map((e) => e.target.id))];
  const found = await Promise.all(ids.map((id) => findReadableRollout(deps, principal, id)));
  return new Map(found.flatMap((r) => (r.ok ? [[r.value.row.id, r.value.row.deploymentId] as const] : [])));
}

/**
 * A page of the audit log with the same call and filters as GET
 * /v1/audit-events, and the chain's verdict from the same call as GET
 * /v1/audit-events/verify.
 */
export async function readAuditLog(deps: Deps, principal: Principal, filters: AuditFilters, cursor: string | undefined): Promise<Result<AuditLog>> {
  if (filters.action !== "" && !(AUDIT_ACTIONS as readonly string[]).includes(filters.action)) {
    return fail("VALIDATION_FAILED", "Action: not an action the audit log records", [{ path: "query.action", message: "Unknown action" }]);
  }
  const page = await listAuditEventsFor(deps, principal, {
    action: filters.action || undefined,
    environment: filters.environment || undefined,
    target_id: filters.target_id.slice(0, 64) || undefined,
    cursor,
    limit: PAGE_SIZE,
  });
  if (!page.ok) return page;
  const events = page.value.data;
  const [verdict, environments, actors, deployments] = await Promise.all([
    verifyWorkspaceAudit(deps, principal),
    readableEnvironments(deps, principal),
    keyNames(
      deps,
      principal,
      events.flatMap((e) => (e.actor.type === "api_key" && e.actor.id ? [e.actor.id] : [])),
    ),
    rolloutDeployments(deps, principal, events),
  ]);
  return ok({
    events,
    nextCursor: page.value.next_cursor,
    verdict: verdict.ok ? verdict.value : null,
    environments: environments.ok ? environments.value : [],
    actors,
    rolloutDeployments: deployments,
  });
}
