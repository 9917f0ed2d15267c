import { hasScope } from "../../access/permissions";
import type { Deps, Principal } from "../../context";
import { listEnvironments } from "../../environments/repository";
import { pipelineOrder } from "../../releases/overview";

/** Where the key may create keys: the environments where it holds `admin`, and whether it may create workspace keys. */
export interface KeyTargets {
  environments: string[];
  workspace: boolean;
}

export async function readKeyTargets(deps: Pick<Deps, "db">, principal: Principal): Promise<KeyTargets> {
  const all = await listEnvironments(deps.db, principal.workspaceId, undefined, 1000);
  return {
    environments: pipelineOrder(all.filter((env) => hasScope(principal, "admin", env.id))).map((env) => env.name),
    workspace: hasScope(principal, "admin", null),
  };
}
