import type { ModelPrice } from "../db/schema";
import type { TokenUsage } from "./providers/types";

/**
 * List prices in USD per million tokens, by `provider/model`. An environment
 * can override any of them (or add its own) with `model_prices`.
 */
export const BUILT_IN_PRICES: Record<string, ModelPrice> = {
  "echo/echo": { input_per_million: 0, output_per_million: 0 },
  "openai/gpt-4o": { input_per_million: 2.5, output_per_million: 10 },
  "openai/gpt-4o-mini": { input_per_million: 0.15, output_per_million: 0.6 },
  "openai/gpt-4.1": { input_per_million: 2, output_per_million: 8 },
  "openai/gpt-4.1-mini": { input_per_million: 0.4, output_per_million: 1.6 },
  "openai/gpt-4.1-nano": { input_per_million: 0.1, output_per_million: 0.4 },
  "anthropic/claude-3-5-haiku-latest": { input_per_million: 0.8, output_per_million: 4 },
  "anthropic/claude-3-7-sonnet-latest": { input_per_million: 3, output_per_million: 15 },
  "anthropic/claude-sonnet-4-0": { input_per_million: 3, output_per_million: 15 },
  "workers-ai/@cf/meta/llama-3.1-8b-instruct": { input_per_million: 0.282, output_per_million: 0.827 },
};

/** The cost of a call, or null when the model has no known price or the usage is unknown. */
export function costOf(provider: string, model: string, usage: TokenUsage | null, overrides: Record<string, ModelPrice>): number | null {
  const price =
    overrides[`${provider}/${model}`] ?? overrides[model] ?? BUILT_IN_PRICES[`${provider}/${model}`] ?? (provider === "echo" ? BUILT_IN_PRICES["echo/echo"] : undefined);
  if (!price || !usage) return null;
  return (usage.input_tokens * price.input_per_million + usage.output_tokens * price.output_per_million) / 1_000_000;
}
