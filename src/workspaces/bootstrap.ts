import { apiKeyView, type IssuedApiKey, issueKey } from "../access/api-keys";
import { insertApiKey } from "../access/repository";
import { commitWithAudit } from "../audit/audit-log";
import type { Deps } from "../context";
import { publishEnvironment } from "../edge/environment-sync";
import { toCachedKey, writeCachedKey } from "../edge/key-entries";
import { type EnvironmentView, environmentView, newEnvironmentRow } from "../environments/environments";
import { insertEnvironment } from "../environments/repository";
import { insertWorkspace, type WorkspaceRow } from "./repository";

/** Every workspace starts with these; production is protected. */
const DEFAULT_ENVIRONMENTS = [
  { name: "development", settings: { description: "Where changes land first" } },
  { name: "staging", settings: { description: "Pre-production testing" } },
  { name: "production", settings: { description: "Live traffic", protected: true } },
] as const;

export interface BootstrappedWorkspace {
  workspace: { id: string; name: string; created_at: string };
  environments: EnvironmentView[];
  api_key: IssuedApiKey;
}

/**
 * Creates a workspace with the default environments and its first admin key,
 * all in one batch with one audit event. The admin key is a workspace key
 * with the `admin` scope, returned in full this once.
 */
export async function bootstrapWorkspace(deps: Deps, name: string): Promise<BootstrappedWorkspace> {
  const workspace: WorkspaceRow = { id: deps.newId("workspace"), name, createdAt: deps.now().toISOString() };
  const environments = DEFAULT_ENVIRONMENTS.map((env) => newEnvironmentRow(deps, workspace.id, env.name, env.settings));
  const { row: key, token } = await issueKey(deps, {
    workspaceId: workspace.id,
    environment: null,
    name: "Initial admin key",
    scopes: ["admin"],
    expiresAt: null,
    createdBy: "bootstrap",
  });
  const { environmentName: _, ...keyRow } = key;
  const created: BootstrappedWorkspace = {
    workspace: { id: workspace.id, name: workspace.name, created_at: workspace.createdAt },
    environments: environments.map(environmentView),
    api_key: { ...apiKeyView(key), key: token },
  };
  await commitWithAudit(deps, workspace.id, [insertWorkspace(deps.db, workspace), ...environments.map((env) => insertEnvironment(deps.db, env)), insertApiKey(deps.db, keyRow)], {
    actor: { type: "bootstrap" },
    action: "workspace.created",
    targetType: "workspace",
    targetId: workspace.id,
    environmentId: null,
    before: null,
    after: { workspace: created.workspace, environments: created.environments, api_key: apiKeyView(key) },
  });
  await Promise.all([writeCachedKey(deps, key.keyHash, toCachedKey(key)), ...environments.map((env) => publishEnvironment(deps, workspace.id, env.id))]);
  return created;
}
