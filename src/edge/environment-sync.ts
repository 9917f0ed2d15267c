import type { Deps } from "../context";
import type { EdgeReads } from "./cache";
import type { ModelPrice } from "../db/schema";
import { listSecrets } from "../environments/secret-repository";
import { findEnvironmentById } from "../environments/repository";

/**
 * What the invoke path needs of an environment, copied to KV as
 * `environment:<id>`: its variables, its price overrides and its secrets,
 * still encrypted (they are opened only when a provider call needs one).
 */
export interface EnvironmentConfig {
  id: string;
  workspace_id: string;
  name: string;
  variables: Record<string, string>;
  model_prices: Record<string, ModelPrice>;
  /** Secret name → sealed value (see lib/secret-box.ts). */
  secrets: Record<string, string>;
}

export const environmentConfigKey = (environmentId: string) => `environment:${environmentId}`;
/** Environment names never change, so this mapping is written once and read by workspace keys on the invoke path. */
export const environmentNameKey = (workspaceId: string, name: string) => `environment-name:${workspaceId}:${name}`;

/**
 * Rewrites an environment's KV entries from D1; called after every change to
 * its settings or secrets. Visible here to the first request after the
 * caller's answer (which waits out the isolates' caches), elsewhere within
 * about 60 s.
 * For a deleted environment, removes its config (the caller removes its name).
 */
export async function publishEnvironment(deps: Pick<Deps, "db" | "kv" | "edgeChanged">, workspaceId: string, environmentId: string): Promise<void> {
  const env = await findEnvironmentById(deps.db, workspaceId, environmentId);
  if (!env) {
    await deps.kv.delete(environmentConfigKey(environmentId));
    deps.edgeChanged();
    return;
  }
  const secrets = await listSecrets(deps.db, workspaceId, environmentId);
  const config: EnvironmentConfig = {
    id: env.id,
    workspace_id: env.workspaceId,
    name: env.name,
    variables: env.variables,
    model_prices: env.modelPrices,
    secrets: Object.fromEntries(secrets.map((s) => [s.name, s.ciphertext])),
  };
  await Promise.all([
    deps.kv.put(environmentConfigKey(environmentId), JSON.stringify(config)),
    deps.kv.put(environmentNameKey(workspaceId, env.name), env.id),
  ]);
  deps.edgeChanged();
}

export function readEnvironmentConfig(edge: EdgeReads, environmentId: string): Promise<EnvironmentConfig | null> {
  return edge.get<EnvironmentConfig>(environmentConfigKey(environmentId));
}
