import { hasScope } from "../../access/permissions";
import type { Deps, Principal, Scope } from "../../context";
import { type EnvironmentRow, findEnvironmentById, listEnvironments } from "../../environments/repository";
import { directDeployRefusal } from "../../releases/promotion-policy";

/** More environments than any workspace has; the forms list them all. */
const LIMIT = 100;

/**
 * Whether the key holds `scope` in at least one environment: what the API's
 * sandbox routes ask before anything else (sandboxes belong to no environment).
 */
export function holdsAnywhere(principal: Principal, scope: Scope): boolean {
  return hasScope(principal, scope, principal.environment?.id ?? null);
}

/** The environments where the key holds `scope`, in the order they were created. */
export async function environmentsWhere(deps: Deps, principal: Principal, scope: Scope): Promise<EnvironmentRow[]> {
  const rows = principal.environment
    ? [await findEnvironmentById(deps.db, principal.workspaceId, principal.environment.id)].filter((row) => row !== null)
    : await listEnvironments(deps.db, principal.workspaceId, undefined, LIMIT);
  return rows.filter((row) => hasScope(principal, scope, row.id));
}

/** An environment the Deploy form offers, or names as reachable by promotion only. */
export interface DeployTarget {
  name: string;
  /** Why a direct deploy is refused there, or null when it is allowed. */
  promotionOnly: string | null;
}

export async function deployTargets(deps: Deps, principal: Principal): Promise<DeployTarget[]> {
  const rows = await environmentsWhere(deps, principal, "deploy");
  return rows.map((row) => ({ name: row.name, promotionOnly: directDeployRefusal(row)?.reason ?? null }));
}
