import type { Deps, Principal, Scope } from "../context";
import { type EnvironmentRow, findEnvironmentById, findEnvironmentByName } from "../environments/repository";
import { fail, ok, type Result } from "../lib/result";

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

const environmentIdOf = (row: unknown) => (row as { environmentId: string | null }).environmentId;

/**
 * The one rule for reaching a stored object: a key that cannot see the
 * object's environment gets NOT_FOUND with `notFound`, exactly as if the row
 * did not exist; a key that can see it but lacks `scope` there gets
 * INSUFFICIENT_SCOPE. Rows name their environment in `environmentId`;
 * pass `environmentOf` for any other kind (an environment is its own).
 *
 * @example
 * return authorize(principal, await findRelease(db, principal.workspaceId, id), "read", `No release with id "${id}"`);
 * authorize(principal, await findEnvironmentByName(db, principal.workspaceId, name), "admin", `No environment named "${name}"`, (env) => env.id);
 */
export function authorize<Row extends { environmentId: string | null }>(principal: Principal, row: Row | null | undefined, scope: Scope, notFound: string): Result<Row>;
export function authorize<Row>(principal: Principal, row: Row | null | undefined, scope: Scope, notFound: string, environmentOf: (row: Row) => string | null): Result<Row>;
export function authorize<Row>(
  principal: Principal,
  row: Row | null | undefined,
  scope: Scope,
  notFound: string,
  environmentOf: (row: Row) => string | null = environmentIdOf,
): Result<Row> {
  const environmentId = row ? environmentOf(row) : null;
  if (!row || !canSee(principal, environmentId)) return fail("NOT_FOUND", notFound);
  const access = requireScope(principal, scope, environmentId);
  return access.ok ? ok(row) : access;
}

/**
 * The environment a request acts in, where the principal holds `scope`: an
 * environment key's own, or the one a workspace key names with
 * `?environment=`. The same rule as {@link authorize}: another environment
 * is NOT_FOUND, a missing scope INSUFFICIENT_SCOPE.
 *
 * @example
 * const env = await resolveEnvironment(deps, principal, query.environment, "read");
 * if (!env.ok) return env;
 */
export async function resolveEnvironment(deps: Pick<Deps, "db">, principal: Principal, requestedName: string | undefined, scope: Scope): Promise<Result<EnvironmentRow>> {
  const own = principal.environment;
  let row: EnvironmentRow | null;
  if (own) {
    if (requestedName !== undefined && requestedName !== own.name) {
      return fail("NOT_FOUND", `No environment named "${requestedName}"`);
    }
    row = await findEnvironmentById(deps.db, principal.workspaceId, own.id);
    if (!row) return fail("NOT_FOUND", `No environment named "${own.name}"`);
  } else {
    if (requestedName === undefined) {
      return fail("VALIDATION_FAILED", "A workspace key must name the environment", [{ path: "query.environment", message: "Required for workspace keys" }]);
    }
    row = await findEnvironmentByName(deps.db, principal.workspaceId, requestedName);
    if (!row) return fail("NOT_FOUND", `No environment named "${requestedName}"`);
  }
  const access = requireScope(principal, scope, row.id);
  return access.ok ? ok(row) : access;
}

/**
 * Which environment a list is limited to: the one named by `?environment=`,
 * else an environment key's own, else none (a workspace key sees all). The
 * principal must hold `scope` there, or for the whole workspace when unlimited.
 */
export async function resolveListScope(deps: Pick<Deps, "db">, principal: Principal, scope: Scope, requestedName: string | undefined): Promise<Result<string | undefined>> {
  if (requestedName !== undefined) {
    const found = authorize(
      principal,
      await findEnvironmentByName(deps.db, principal.workspaceId, requestedName),
      scope,
      `No environment named "${requestedName}"`,
      (env) => env.id,
    );
    return found.ok ? ok(found.value.id) : found;
  }
  const environmentId = principal.environment?.id;
  const access = requireScope(principal, scope, environmentId ?? null);
  return access.ok ? ok(environmentId) : access;
}
