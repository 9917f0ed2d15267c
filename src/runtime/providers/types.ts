import type { ModelSpec } from "../../specs/prompt-spec";

export interface ChatMessage {
  role: "system" | "user" | "assistant";
  content: string;
}

export interface TokenUsage {
  input_tokens: number;
  output_tokens: number;
}

export type FinishReason = "STOP" | "LENGTH" | "UNKNOWN";

export interface ModelResult {
  text: string;
  usage: TokenUsage | null;
  finishReason: FinishReason;
}

/** What a provider call needs: the model, the messages, and a way to read this environment's secrets. */
export interface ModelCall {
  model: ModelSpec;
  messages: ChatMessage[];
  secret: (name: string) => Promise<string | undefined>;
  signal: AbortSignal;
  fetch: typeof fetch;
}

/** A streamed answer: text deltas, then the final usage and finish reason. */
export type ModelChunk = { delta: string } | { done: Omit<ModelResult, "text"> };

/** Why a provider call failed, in terms the API maps to a response. */
export type ProviderFailure =
  | { kind: "rate_limited"; message: string; retryAfter: string | null }
  | { kind: "timeout"; message: string }
  | { kind: "credentials"; message: string }
  /**
   * `transient`: the provider may well answer next time (a 5xx, a connection
   * that failed or broke off), so the call is worth retrying or handing to a
   * fallback model. Answers that are wrong in themselves (a 4xx, malformed or
   * oversized) are not.
   */
  | { kind: "upstream"; message: string; transient?: boolean };

export class ProviderError extends Error {
  constructor(readonly failure: ProviderFailure) {
    super(failure.message);
  }
}

export interface Provider {
  complete(call: ModelCall): Promise<ModelResult>;
  stream(call: ModelCall): AsyncGenerator<ModelChunk>;
}
