import { passThroughParameters, postJson, readJson, sseJson } from "./http";
import { type FinishReason, type ModelCall, type ModelChunk, type Provider, ProviderError } from "./types";

const DEFAULT_BASE_URL = "https://api.anthropic.com/v1";
const DEFAULT_MAX_TOKENS = 1024;

interface Message {
  content?: { type: string; text?: string }[];
  stop_reason?: string | null;
  usage?: { input_tokens?: number; output_tokens?: number };
}

type StreamEvent =
  | { type: "message_start"; message: { usage?: { input_tokens?: number } } }
  | { type: "content_block_delta"; delta: { type: string; text?: string } }
  | { type: "message_delta"; delta: { stop_reason?: string | null }; usage?: { output_tokens?: number } }
  | { type: "message_stop" }
  | { type: "error"; error?: { message?: string } }
  | { type: string };

function finishReason(reason: string | null | undefined): FinishReason {
  return reason === "end_turn" || reason === "stop_sequence" ? "STOP" : reason === "max_tokens" ? "LENGTH" : "UNKNOWN";
}

async function request(call: ModelCall, stream: boolean) {
  const apiKey = await call.secret("ANTHROPIC_API_KEY");
  if (!apiKey) throw new ProviderError({ kind: "credentials", message: "Set the environment secret ANTHROPIC_API_KEY to use Anthropic models" });
  const system = call.messages
    .filter((m) => m.role === "system")
    .map((m) => m.content)
    .join("\n\n");
  const body = {
    max_tokens: DEFAULT_MAX_TOKENS,
    ...passThroughParameters(call.model.parameters, ["model", "messages", "system", "stream"]),
    model: call.model.name,
    ...(system ? { system } : {}),
    messages: call.messages.filter((m) => m.role !== "system").map((m) => ({ role: m.role, content: m.content })),
    ...(stream ? { stream: true } : {}),
  };
  const base = (call.model.base_url ?? DEFAULT_BASE_URL).replace(/\/+$/, "");
  return postJson(call, `${base}/messages`, { "x-api-key": apiKey, "anthropic-version": "2023-06-01" }, body);
}

/** Anthropic's Messages API. Credentials: the environment secret ANTHROPIC_API_KEY. */
export const anthropicProvider: Provider = {
  async complete(call) {
    const message = await readJson<Message>(await request(call, false), call);
    if (!Array.isArray(message?.content)) throw new ProviderError({ kind: "upstream", message: "The model provider's answer had no content" });
    return {
      text: message.content.map((block) => (block.type === "text" ? (block.text ?? "") : "")).join(""),
      usage: message.usage ? { input_tokens: message.usage.input_tokens ?? 0, output_tokens: message.usage.output_tokens ?? 0 } : null,
      finishReason: finishReason(message.stop_reason),
    };
  },
  async *stream(call): AsyncGenerator<ModelChunk> {
    let inputTokens = 0;
    let outputTokens = 0;
    let reason: string | null | undefined;
    let stopped = false;
    for await (const { data } of sseJson<StreamEvent>(await request(call, true), call)) {
      if (data === "[DONE]") continue;
      if (data.type === "message_start" && "message" in data) inputTokens = data.message.usage?.input_tokens ?? 0;
      else if (data.type === "content_block_delta" && "delta" in data && data.delta.type === "text_delta" && data.delta.text) yield { delta: data.delta.text };
      else if (data.type === "message_delta" && "delta" in data) {
        reason = (data.delta as { stop_reason?: string | null }).stop_reason ?? reason;
        outputTokens = (data as { usage?: { output_tokens?: number } }).usage?.output_tokens ?? outputTokens;
      } else if (data.type === "message_stop") stopped = true;
      else if (data.type === "error") throw new ProviderError({ kind: "upstream", message: "The model provider reported an error mid-stream", transient: true });
    }
    if (!stopped) throw new ProviderError({ kind: "upstream", message: "The model provider's stream ended before the answer was complete", transient: true });
    yield { done: { usage: { input_tokens: inputTokens, output_tokens: outputTokens }, finishReason: finishReason(reason) } };
  },
};
