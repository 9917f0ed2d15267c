import type { ModelSpec } from "../specs/prompt-spec";
import { hostMatches } from "./outbound-url";

/**
 * Secrets bound to hosts. A secret may carry `allowed_hosts` (host names and
 * `*.example.com` patterns): a template or a provider may then send it only
 * to those hosts. A secret without them may go to any host the egress rules
 * allow, as every secret could before bindings existed.
 */
export type SecretHosts = Readonly<Record<string, readonly string[]>>;

/**
 * The environment secrets each provider sends, and where it sends them
 * without a `base_url`. Mirrors src/runtime/providers/ (index.ts and
 * anthropic.ts): a provider added there needs its entry here.
 */
export const PROVIDER_CREDENTIALS: Record<ModelSpec["provider"], { secrets: readonly string[]; defaultHost: string | null }> = {
  echo: { secrets: [], defaultHost: null },
  openai: { secrets: ["OPENAI_API_KEY"], defaultHost: "api.openai.com" },
  anthropic: { secrets: ["ANTHROPIC_API_KEY"], defaultHost: "api.anthropic.com" },
  "workers-ai": { secrets: ["CLOUDFLARE_ACCOUNT_ID", "CLOUDFLARE_API_TOKEN"], defaultHost: "api.cloudflare.com" },
};

/** Why sending these secrets to `hostname` is refused, naming the first that may not go there; null when all may. */
export function secretHostRefusal(secrets: Iterable<string>, hostname: string, bindings: SecretHosts | undefined): string | null {
  for (const name of secrets) {
    const allowed = bindings?.[name];
    if (allowed && allowed.length > 0 && !hostMatches(hostname, allowed)) {
      return `The secret ${name} may be sent only to ${allowed.join(", ")}, not to ${hostname}`;
    }
  }
  return null;
}

/** The host a model's calls go to: its base_url's, or the provider's default; null for echo or a base_url that is not a URL. */
export function modelHost(model: Pick<ModelSpec, "provider" | "base_url">): string | null {
  if (model.base_url !== undefined) return URL.parse(model.base_url)?.hostname ?? null;
  return PROVIDER_CREDENTIALS[model.provider].defaultHost;
}

/** Why the model's provider credentials may not go where the model sends them; null when they may. */
export function modelCredentialRefusal(model: Pick<ModelSpec, "provider" | "base_url">, bindings: SecretHosts | undefined): string | null {
  const host = modelHost(model);
  return host === null ? null : secretHostRefusal(PROVIDER_CREDENTIALS[model.provider].secrets, host, bindings);
}
