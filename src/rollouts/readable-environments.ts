import { resolveEnvironment } from "../access/permissions";
import type { Deps, Principal } from "../context";
import { ok, type Result } from "../lib/result";
import { environmentNames } from "../releases/views";

/**
 * The environments a list reads: the one named (or an environment key's
 * own), where the key may read; otherwise every environment of the workspace.
 */
export async function readableEnvironmentIds(deps: Pick<Deps, "db">, principal: Principal, environmentName: string | undefined): Promise<Result<string[]>> {
  if (environmentName === undefined && !principal.environment) return ok([...(await environmentNames(deps.db, principal.workspaceId)).keys()]);
  const env = await resolveEnvironment(deps, principal, environmentName, "read");
  return env.ok ? ok([env.value.id]) : env;
}
