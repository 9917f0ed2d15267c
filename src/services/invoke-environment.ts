import type { Deps, Principal } from "../context";
import { fail, ok, type Result } from "../lib/result";
import { requireScope } from "./access";
import { type EnvironmentConfig, environmentNameKey, readEnvironmentConfig } from "./environment-edge";

/**
 * The environment an invocation runs in, and its config, from KV alone: an
 * environment key's own, or the one a workspace key names. Needs `execute`.
 */
export async function invokeEnvironment(deps: Pick<Deps, "kv">, principal: Principal, requested: string | undefined): Promise<Result<EnvironmentConfig>> {
  let ref = principal.environment;
  if (ref && requested !== undefined && requested !== ref.name) return fail("NOT_FOUND", `No environment named "${requested}"`);
  if (!ref) {
    if (requested === undefined) {
      return fail("VALIDATION_FAILED", "A workspace key must name the environment", [{ path: "query.environment", message: "Required for workspace keys" }]);
    }
    const id = await deps.kv.get(environmentNameKey(principal.workspaceId, requested));
    if (!id) return fail("NOT_FOUND", `No environment named "${requested}"`);
    ref = { id, name: requested };
  }
  const access = requireScope(principal, "execute", ref.id);
  if (!access.ok) return access;
  const config = await readEnvironmentConfig(deps.kv, ref.id);
  // An environment published before it had settings reads as empty, not as missing.
  return ok(config ?? { id: ref.id, workspace_id: principal.workspaceId, name: ref.name, variables: {}, model_prices: {}, secrets: {} });
}
