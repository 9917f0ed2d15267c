import type { Deps, EdgeReads } from "../context";
import { findEnvironmentById } from "../environments/repository";
import { listSecrets } from "../environments/secret-repository";
import { publishLimits } from "../limits/publish-limits";
import { type EnvironmentConfig, edgeKeys } from "./keys";

/**
 * Rewrites an environment's KV entries from D1; called after every change to
 * its settings or secrets. Visible here to the first request after the
 * caller's answer (which waits out the isolates' caches), elsewhere within
 * about 60 s.
 * For a deleted environment, removes its config (the caller removes its name).
 */
export async function publishEnvironment(deps: Pick<Deps, "db" | "kv" | "edgeChanged" | "now">, workspaceId: string, environmentId: string): Promise<void> {
  const env = await findEnvironmentById(deps.db, workspaceId, environmentId);
  if (!env) {
    await deps.kv.delete(edgeKeys.environment(environmentId));
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
    egress_allowlist: env.egressAllowlist,
    // Only bound secrets: the invoke path checks a secret's hosts without a D1 read.
    secret_hosts: Object.fromEntries(secrets.filter((s) => s.allowedHosts.length > 0).map((s) => [s.name, s.allowedHosts])),
  };
  await Promise.all([
    deps.kv.put(edgeKeys.environment(environmentId), JSON.stringify(config)),
    deps.kv.put(edgeKeys.environmentName(workspaceId, env.name), env.id),
    publishLimits(deps, env),
  ]);
  deps.edgeChanged();
}

export function readEnvironmentConfig(edge: EdgeReads, environmentId: string): Promise<EnvironmentConfig | null> {
  return edge.get<EnvironmentConfig>(edgeKeys.environment(environmentId));
}
