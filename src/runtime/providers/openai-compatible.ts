import { passThroughParameters, postJson, readJson, sseJson } from "./http";
import { type FinishReason, type ModelCall, type ModelChunk, type Provider, ProviderError, type TokenUsage } from "./types";

interface Completion {
  choices?: { message?: { content?: string | null }; finish_reason?: string | null }[];
  usage?: { prompt_tokens?: number; completion_tokens?: number } | null;
}

interface CompletionChunk {
  choices?: { delta?: { content?: string | null }; finish_reason?: string | null }[];
  usage?: { prompt_tokens?: number; completion_tokens?: number } | null;
}

function finishReason(reason: string | null | undefined): FinishReason {
  return reason === "stop" ? "STOP" : reason === "length" ? "LENGTH" : "UNKNOWN";
}

function usage(u: Completion["usage"]): TokenUsage | null {
  return u ? { input_tokens: u.prompt_tokens ?? 0, output_tokens: u.completion_tokens ?? 0 } : null;
}

/** Where to send a request and with which credentials. */
export interface Endpoint {
  baseUrl: string;
  apiKey: string | undefined;
}

/**
 * Any OpenAI-compatible chat completions API (OpenAI, Workers AI's
 * OpenAI-compatible endpoint, vLLM, Ollama…). `endpoint` says where.
 */
export function openAiCompatibleProvider(endpoint: (call: ModelCall) => Promise<Endpoint>): Provider {
  async function request(call: ModelCall, stream: boolean) {
    const { baseUrl, apiKey } = await endpoint(call);
    const body = {
      ...passThroughParameters(call.model.parameters, ["model", "messages", "stream", "stream_options"]),
      model: call.model.name,
      messages: call.messages,
      ...(stream ? { stream: true, stream_options: { include_usage: true } } : {}),
    };
    return postJson(call, `${baseUrl.replace(/\/+$/, "")}/chat/completions`, apiKey ? { authorization: `Bearer ${apiKey}` } : {}, body);
  }

  return {
    async complete(call) {
      const completion = await readJson<Completion>(await request(call, false), call);
      const choice = completion?.choices?.[0];
      const text = choice?.message?.content;
      if (typeof text !== "string") throw new ProviderError({ kind: "upstream", message: "The model provider's answer had no message content" });
      return { text, usage: usage(completion.usage), finishReason: finishReason(choice?.finish_reason) };
    },
    async *stream(call): AsyncGenerator<ModelChunk> {
      let reason: string | null | undefined;
      let counted: TokenUsage | null = null;
      let finished = false;
      for await (const { data } of sseJson<CompletionChunk>(await request(call, true), call)) {
        if (data === "[DONE]") {
          finished = true;
          break;
        }
        const choice = data.choices?.[0];
        if (choice?.delta?.content) yield { delta: choice.delta.content };
        reason = choice?.finish_reason ?? reason;
        counted = usage(data.usage) ?? counted;
      }
      if (!finished && !reason) throw new ProviderError({ kind: "upstream", message: "The model provider's stream ended before the answer was complete", transient: true });
      yield { done: { usage: counted, finishReason: finishReason(reason) } };
    },
  };
}
