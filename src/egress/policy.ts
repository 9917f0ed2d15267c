import type { Config } from "../config";
import type { EgressPolicy } from "./outbound-url";

/**
 * The egress policy of this deployment (its stage and local exemptions),
 * narrowed by an environment's allowlist when one is known.
 * EGRESS_ALLOW_PRIVATE_HOSTS is never honoured in production, whatever it holds.
 */
export function egressPolicy(config: Pick<Config, "stage" | "egressAllowPrivateHosts">, environment?: { egress_allowlist?: readonly string[] | undefined }): EgressPolicy {
  const production = config.stage === "production";
  return {
    httpsOnly: production,
    privateHosts: production ? [] : config.egressAllowPrivateHosts,
    allowlist: environment?.egress_allowlist ?? [],
  };
}
