import type { ChatMessage, ModelCall, ModelChunk, ModelResult, Provider } from "./types";

/** A deterministic stand-in for a token count: one token per four characters. */
const tokens = (text: string) => Math.ceil(text.length / 4);

function answer(messages: ChatMessage[]): ModelResult {
  const text = messages.at(-1)?.content ?? "";
  return {
    text,
    usage: { input_tokens: messages.reduce((sum, m) => sum + tokens(m.content), 0), output_tokens: tokens(text) },
    finishReason: "STOP",
  };
}

/**
 * The built-in `echo` model: answers with the rendered text of the last
 * message, exactly, with no network. It makes everything work offline and
 * in tests, and streams its answer word by word.
 */
export const echoProvider: Provider = {
  async complete(call: ModelCall) {
    return answer(call.messages);
  },
  async *stream(call: ModelCall): AsyncGenerator<ModelChunk> {
    const { text, ...done } = answer(call.messages);
    for (const piece of text.match(/\S+\s*|\s+/g) ?? []) yield { delta: piece };
    yield { done };
  },
};
