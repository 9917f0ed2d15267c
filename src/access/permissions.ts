import type { Deps, Principal, Scope } from "../context";
import { fail, ok, type Result } from "../lib/result";
import { type EnvironmentRow, findEnvironmentById, findEnvironmentByName } from "../environments/repository";

/**
 * Whether the principal may see anything of this environment at all. Objects
 * of an environment a key cannot see answer 404, exactly as if they did not
 * exist. `null` names workspace-wide objects, visible to workspace keys only.
 */
export function canSee(principal: Principal, environmentId: string | null): boolean {
  return principal.environment === null || principal.environment.id === environmentId;
}

/**
 * Whether the principal holds `scope` in that environment (`null`: for the
 * whole workspace, which only workspace keys can). `admin` implies every scope.
 */
export function hasScope(principal: Principal, scope: Scope, environmentId: string | null): boolean {
  if (!canSee(principal, environmentId)) return false;
  return principal.scopes.includes("admin") || principal.scopes.includes(scope);
}

export function requireScope(principal: Principal, scope: Scope, environmentId: string | null): Result<void> {
  if (environmentId === null && principal.environment !== null) {
    return fail("INSUFFICIENT_SCOPE", `This operation needs a workspace key with the "${scope}" scope`);
  }
  if (!canSee(principal, environmentId)) return fail("NOT_FOUND", "Not found");
  if (!hasScope(principal, scope, environmentId)) {
    return fail("INSUFFICIENT_SCOPE", `This operation needs the "${scope}" scope in this environment`);
  }
  return ok(undefined);
}

/**
 * The environment a request acts in: an environment key's own, or the one a
 * workspace key names with `?environment=`.
 */
export async function resolveEnvironment(
  deps: Pick<Deps, "db">,
  principal: Principal,
  requestedName: string | undefined,
): Promise<Result<EnvironmentRow>> {
  const own = principal.environment;
  if (own) {
    if (requestedName !== undefined && requestedName !== own.name) {
      return fail("NOT_FOUND", `No environment named "${requestedName}"`);
    }
    const row = await findEnvironmentById(deps.db, principal.workspaceId, own.id);
    return row ? ok(row) : fail("NOT_FOUND", `No environment named "${own.name}"`);
  }
  if (requestedName === undefined) {
    return fail("VALIDATION_FAILED", "A workspace key must name the environment", [
      { path: "query.environment", message: "Required for workspace keys" },
    ]);
  }
  const row = await findEnvironmentByName(deps.db, principal.workspaceId, requestedName);
  return row ? ok(row) : fail("NOT_FOUND", `No environment named "${requestedName}"`);
}

/**
 * Which environment a list is limited to: the one named by `?environment=`,
 * else an environment key's own, else none (a workspace key sees all). The
 * principal must hold `scope` there, or for the whole workspace when unlimited.
 */
export async function resolveListScope(
  deps: Pick<Deps, "db">,
  principal: Principal,
  scope: Scope,
  requestedName: string | undefined,
): Promise<Result<string | undefined>> {
  let environmentId = principal.environment?.id;
  if (requestedName !== undefined) {
    const env = await findEnvironmentByName(deps.db, principal.workspaceId, requestedName);
    if (!env || !canSee(principal, env.id)) return fail("NOT_FOUND", `No environment named "${requestedName}"`);
    environmentId = env.id;
  }
  const access = requireScope(principal, scope, environmentId ?? null);
  return access.ok ? ok(environmentId) : access;
}
