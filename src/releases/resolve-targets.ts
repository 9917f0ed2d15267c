import type { Deps, Principal, Scope } from "../context";
import { fail, ok, type Result } from "../lib/result";
import { type EnvironmentRow, findEnvironmentByName } from "../environments/repository";
import { canSee, requireScope } from "../access/permissions";

/**
 * Resolves every named target environment and checks `scope` on each, before
 * anything is written: one refused target refuses the whole request.
 */
export async function resolveTargets(
  deps: Pick<Deps, "db">,
  principal: Principal,
  names: string[],
  scope: Scope,
  field = "body.environments",
): Promise<Result<EnvironmentRow[]>> {
  const targets: EnvironmentRow[] = [];
  for (const [i, name] of [...new Set(names)].entries()) {
    const env = await findEnvironmentByName(deps.db, principal.workspaceId, name);
    if (!env || !canSee(principal, env.id)) return fail("NOT_FOUND", `No environment named "${name}"`, [{ path: `${field}[${i}]`, message: "Unknown environment" }]);
    const access = requireScope(principal, scope, env.id);
    if (!access.ok) return fail(access.error.code, `${access.error.detail} (${name})`, [{ path: `${field}[${i}]`, message: `Needs "${scope}"` }]);
    targets.push(env);
  }
  return ok(targets);
}
