import { EventSourceParserStream } from "eventsource-parser/stream";
import { type ModelCall, ProviderError } from "./types";

/**
 * POSTs JSON to a provider and returns the response if it is a 2xx. Every
 * failure becomes a ProviderError; its message names the status, never the
 * request (which may carry credentials).
 */
export async function postJson(call: ModelCall, url: string, headers: Record<string, string>, body: unknown): Promise<Response> {
  let response: Response;
  try {
    response = await call.fetch(url, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body), signal: call.signal });
  } catch (error) {
    if (call.signal.aborted) throw new ProviderError({ kind: "timeout", message: "The model provider did not answer in time" });
    throw new ProviderError({ kind: "upstream", message: `The model provider could not be reached: ${error instanceof Error ? error.name : "network error"}` });
  }
  if (response.ok) return response;
  await response.body?.cancel();
  if (response.status === 429) {
    throw new ProviderError({ kind: "rate_limited", message: "The model provider is rate limiting this environment", retryAfter: response.headers.get("retry-after") });
  }
  if (response.status === 401 || response.status === 403) {
    throw new ProviderError({ kind: "credentials", message: `The model provider refused the credentials (HTTP ${response.status})` });
  }
  throw new ProviderError({ kind: "upstream", message: `The model provider answered HTTP ${response.status}` });
}

/** Reads a JSON body, or fails as a malformed upstream answer. */
export async function readJson<T>(response: Response, call: ModelCall): Promise<T> {
  try {
    return (await response.json()) as T;
  } catch {
    if (call.signal.aborted) throw new ProviderError({ kind: "timeout", message: "The model provider did not answer in time" });
    throw new ProviderError({ kind: "upstream", message: "The model provider's answer was not valid JSON" });
  }
}

/** Server-sent events of a streaming answer, each parsed as JSON. */
export async function* sseJson<T>(response: Response, call: ModelCall): AsyncGenerator<{ event: string | undefined; data: T | "[DONE]" }> {
  const events = response.body!.pipeThrough(new TextDecoderStream()).pipeThrough(new EventSourceParserStream());
  const reader = events.getReader();
  try {
    for (;;) {
      let next: ReadableStreamReadResult<{ event?: string | undefined; data: string }>;
      try {
        next = await reader.read();
      } catch {
        if (call.signal.aborted) throw new ProviderError({ kind: "timeout", message: "The model provider stopped answering in time" });
        throw new ProviderError({ kind: "upstream", message: "The model provider's stream broke off" });
      }
      if (next.done) return;
      const { event, data } = next.value;
      if (data === "[DONE]") {
        yield { event, data: "[DONE]" };
        continue;
      }
      try {
        yield { event, data: JSON.parse(data) as T };
      } catch {
        throw new ProviderError({ kind: "upstream", message: "The model provider streamed an event that is not valid JSON" });
      }
    }
  } finally {
    reader.releaseLock();
  }
}

/** Model parameters as the provider's API names them, minus the ones Stagecraft sets itself. */
export function passThroughParameters(parameters: Record<string, unknown> | undefined, reserved: string[]) {
  return Object.fromEntries(Object.entries(parameters ?? {}).filter(([k]) => !reserved.includes(k)));
}
