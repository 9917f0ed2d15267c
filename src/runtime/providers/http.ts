import { createParser, type EventSourceMessage } from "eventsource-parser";
import { boundedChunks, boundedText, untilAborted } from "./bounded-body";
import { type ModelCall, ProviderError } from "./types";

const noAnswer = () => new ProviderError({ kind: "timeout", message: "The model provider did not answer in time" });

/**
 * POSTs JSON to a provider once and returns the response if it is a 2xx.
 * Every failure becomes a ProviderError; its message names the status, never
 * the request (which may carry credentials). Retries and fallbacks are the
 * caller's (see model-chain.ts): it knows how much time is left.
 */
export async function postJson(call: ModelCall, url: string, headers: Record<string, string>, body: unknown): Promise<Response> {
  let response: Response;
  try {
    const request = { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body), signal: call.signal };
    response = await untilAborted(call.fetch(url, request), call.signal, noAnswer);
  } catch (error) {
    if (call.signal.aborted) throw noAnswer();
    throw new ProviderError({
      kind: "upstream",
      message: `The model provider could not be reached: ${error instanceof Error ? error.name : "network error"}`,
      transient: true,
    });
  }
  if (response.ok) return response;
  await response.body?.cancel();
  if (response.status === 429) {
    throw new ProviderError({ kind: "rate_limited", message: "The model provider is rate limiting this environment", retryAfter: response.headers.get("retry-after") });
  }
  if (response.status === 401 || response.status === 403) {
    throw new ProviderError({ kind: "credentials", message: `The model provider refused the credentials (HTTP ${response.status})` });
  }
  throw new ProviderError({ kind: "upstream", message: `The model provider answered HTTP ${response.status}`, transient: response.status >= 500 });
}

/** Reads a JSON body (at most MAX_ANSWER_BYTES), or fails as a malformed, broken or oversized upstream answer. */
export async function readJson<T>(response: Response, call: ModelCall): Promise<T> {
  const text = await boundedText(response, call);
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new ProviderError({ kind: "upstream", message: "The model provider's answer was not valid JSON" });
  }
}

/**
 * Server-sent events of a streaming answer, each parsed as JSON, as they
 * arrive. The bytes are read within the bounds of `boundedChunks`, so an
 * endless stream (or one endless event) is cut off, and a stalled one ends at
 * the call's deadline.
 */
export async function* sseJson<T>(response: Response, call: ModelCall): AsyncGenerator<{ event: string | undefined; data: T | "[DONE]" }> {
  const parsed: EventSourceMessage[] = [];
  const parser = createParser({ onEvent: (message) => parsed.push(message) });
  const decoder = new TextDecoder();
  for await (const chunk of boundedChunks(response, call)) {
    parser.feed(decoder.decode(chunk, { stream: true }));
    for (const { event, data } of parsed.splice(0, parsed.length)) {
      if (data === "[DONE]") {
        yield { event, data: "[DONE]" };
        continue;
      }
      let value: T;
      try {
        value = JSON.parse(data) as T;
      } catch {
        throw new ProviderError({ kind: "upstream", message: "The model provider streamed an event that is not valid JSON" });
      }
      yield { event, data: value };
    }
  }
}

/** Model parameters as the provider's API names them, minus the ones Stagecraft sets itself. */
export function passThroughParameters(parameters: Record<string, unknown> | undefined, reserved: string[]) {
  return Object.fromEntries(Object.entries(parameters ?? {}).filter(([k]) => !reserved.includes(k)));
}
