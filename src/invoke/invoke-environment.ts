import { requireScope } from "../access/permissions";
import type { Deps, EnvironmentRef, Principal } from "../context";
import { readEnvironmentConfig } from "../edge/environment-sync";
import { type EnvironmentConfig, edgeKeys } from "../edge/keys";
import { emptyEnvironmentConfig } from "../edge/prefetch";
import { fail, ok, type Result } from "../lib/result";

/**
 * The environment an invocation runs in, from KV alone: an environment
 * key's own, or the one a workspace key names. Needs `execute` there.
 */
export async function invokeEnvironment(deps: Pick<Deps, "kv">, principal: Principal, requested: string | undefined): Promise<Result<EnvironmentRef>> {
  let ref = principal.environment;
  if (ref && requested !== undefined && requested !== ref.name) return fail("NOT_FOUND", `No environment named "${requested}"`);
  if (!ref) {
    if (requested === undefined) {
      return fail("VALIDATION_FAILED", "A workspace key must name the environment", [{ path: "query.environment", message: "Required for workspace keys" }]);
    }
    const id = await deps.kv.get(edgeKeys.environmentName(principal.workspaceId, requested));
    if (!id) return fail("NOT_FOUND", `No environment named "${requested}"`);
    ref = { id, name: requested };
  }
  const access = requireScope(principal, "execute", ref.id);
  return access.ok ? ok(ref) : access;
}

/** The environment's variables, prices and sealed secrets; one that has none yet reads as empty. */
export async function environmentConfig(deps: Pick<Deps, "edge">, workspaceId: string, ref: EnvironmentRef): Promise<EnvironmentConfig> {
  return (await readEnvironmentConfig(deps.edge, ref.id)) ?? emptyEnvironmentConfig(workspaceId, ref);
}
