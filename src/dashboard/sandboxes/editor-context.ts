import type { Deps, Principal } from "../../context";
import { findDeployment } from "../../releases/deployment-repository";
import type { SandboxView } from "../../testing/sandboxes";
import { keyName, keyNames } from "../key-names";
import type { EditorContext } from "./editor-page";
import { deployTargets, environmentsWhere, holdsAnywhere } from "./scopes";

/** The name of the deployment a sandbox feeds, or null before its first deploy. */
export async function deploymentNameOf(deps: Deps, principal: Principal, sandbox: SandboxView): Promise<string | null> {
  return (await findDeployment(deps.db, principal.workspaceId, sandbox.deployment_id))?.name ?? null;
}

/** What the editor page offers this key for this sandbox. */
export async function readEditorContext(deps: Deps, principal: Principal, sandbox: SandboxView, styleNonce: string): Promise<EditorContext> {
  const [deploymentName, savers, runIn, targets] = await Promise.all([
    deploymentNameOf(deps, principal, sandbox),
    keyNames(deps, principal, [sandbox.updated_by]),
    holdsAnywhere(principal, "execute") ? environmentsWhere(deps, principal, "execute") : null,
    holdsAnywhere(principal, "deploy") ? deployTargets(deps, principal) : null,
  ]);
  return {
    sandbox,
    deploymentName,
    savedBy: keyName(savers, sandbox.updated_by),
    canEdit: holdsAnywhere(principal, "deploy"),
    runEnvironments: runIn?.map((env) => env.name) ?? null,
    ownEnvironment: principal.environment?.name ?? null,
    deployTargets: targets,
    styleNonce,
  };
}
