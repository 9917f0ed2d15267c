import { authorize } from "../access/permissions";
import type { Deps, Principal, Scope } from "../context";
import { type EnvironmentRow, findEnvironmentByName } from "../environments/repository";
import { fail, ok, type Result } from "../lib/result";

/**
 * Resolves every named target environment and checks `scope` on each, before
 * anything is written: one refused target refuses the whole request.
 */
export async function resolveTargets(deps: Pick<Deps, "db">, principal: Principal, names: string[], scope: Scope, field = "body.environments"): Promise<Result<EnvironmentRow[]>> {
  const targets: EnvironmentRow[] = [];
  for (const [i, name] of [...new Set(names)].entries()) {
    const target = authorize(principal, await findEnvironmentByName(deps.db, principal.workspaceId, name), scope, `No environment named "${name}"`, (env) => env.id);
    if (!target.ok) {
      const path = `${field}[${i}]`;
      if (target.error.code === "NOT_FOUND") return fail("NOT_FOUND", target.error.detail, [{ path, message: "Unknown environment" }]);
      return fail(target.error.code, `${target.error.detail} (${name})`, [{ path, message: `Needs "${scope}"` }]);
    }
    targets.push(target.value);
  }
  return ok(targets);
}
