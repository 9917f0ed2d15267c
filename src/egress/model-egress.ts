import type { ModelSpec } from "../specs/prompt-spec";
import { checkOutboundUrl, type EgressPolicy } from "./outbound-url";
import { modelCredentialRefusal, type SecretHosts } from "./secret-hosts";

/**
 * Why a model may not be called in an environment: its base_url refused by
 * the egress policy, or a provider credential bound to other hosts. Null
 * when it may. The echo provider calls nothing.
 */
export function modelEgressRefusal(model: Pick<ModelSpec, "provider" | "base_url">, policy: EgressPolicy, bindings: SecretHosts | undefined): string | null {
  if (model.provider === "echo") return null;
  if (model.base_url !== undefined) {
    const verdict = checkOutboundUrl(model.base_url, policy);
    if (!verdict.ok) return `base_url: ${verdict.reason}`;
  }
  return modelCredentialRefusal(model, bindings);
}
