import type { ModelSpec } from "../../specs/prompt-spec";
import { anthropicProvider } from "./anthropic";
import { echoProvider } from "./echo";
import { openAiCompatibleProvider } from "./openai-compatible";
import { type Provider, ProviderError } from "./types";

const OPENAI_BASE_URL = "https://api.openai.com/v1";

const openai = openAiCompatibleProvider(async (call) => {
  const apiKey = await call.secret("OPENAI_API_KEY");
  // Self-hosted OpenAI-compatible servers often need no key; OpenAI itself does.
  if (!apiKey && !call.model.base_url) throw new ProviderError({ kind: "credentials", message: "Set the environment secret OPENAI_API_KEY to use OpenAI models" });
  return { baseUrl: call.model.base_url ?? OPENAI_BASE_URL, apiKey };
});

/** Workers AI, through its OpenAI-compatible endpoint. */
const workersAi = openAiCompatibleProvider(async (call) => {
  const [account, token] = await Promise.all([call.secret("CLOUDFLARE_ACCOUNT_ID"), call.secret("CLOUDFLARE_API_TOKEN")]);
  if (!token || (!account && !call.model.base_url)) {
    throw new ProviderError({ kind: "credentials", message: "Set the environment secrets CLOUDFLARE_ACCOUNT_ID and CLOUDFLARE_API_TOKEN to use Workers AI" });
  }
  return { baseUrl: call.model.base_url ?? `https://api.cloudflare.com/client/v4/accounts/${account}/ai/v1`, apiKey: token };
});

const providers: Record<ModelSpec["provider"], Provider> = {
  echo: echoProvider,
  openai,
  anthropic: anthropicProvider,
  "workers-ai": workersAi,
};

export function providerFor(model: ModelSpec): Provider {
  return providers[model.provider];
}
