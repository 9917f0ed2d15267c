import { type ModelCall, ProviderError } from "./types";

/**
 * The most a provider's answer may take on the wire, streamed or not. A long
 * answer of a real model is well below it (SSE framing included); beyond it
 * the provider is flooding, and the call is cut off instead of holding the
 * bytes in the isolate's 128 MB.
 */
export const MAX_ANSWER_BYTES = 8 * 1024 * 1024;

const tooLarge = () => new ProviderError({ kind: "upstream", message: `The model provider's answer exceeded ${MAX_ANSWER_BYTES / (1024 * 1024)} MiB and was cut off` });

/** The error an abort of the call means: its time ran out. */
const stalled = () => new ProviderError({ kind: "timeout", message: "The model provider stopped answering in time" });

/**
 * `promise`, or a rejection as soon as `signal` aborts (with `onAbort()`).
 * A fetch or a body read does not always end when the call's signal aborts
 * (an injected fetch may drop it; the bytes may come from anywhere), so
 * every wait on the provider is raced against it.
 */
export function untilAborted<T>(promise: Promise<T>, signal: AbortSignal, onAbort: () => Error = stalled): Promise<T> {
  if (signal.aborted) return Promise.reject(onAbort());
  return new Promise<T>((resolve, reject) => {
    const aborted = () => reject(onAbort());
    signal.addEventListener("abort", aborted, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener("abort", aborted);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener("abort", aborted);
        reject(error);
      },
    );
  });
}

/**
 * The body's chunks as they arrive, at most MAX_ANSWER_BYTES in all, ending
 * at the call's deadline however the body behaves: a stall is a timeout, a
 * connection that breaks is a transient upstream failure, a flood is cut off.
 * The body is cancelled whenever reading stops early.
 */
export async function* boundedChunks(response: Response, call: Pick<ModelCall, "signal">): AsyncGenerator<Uint8Array> {
  if (!response.body) return;
  const declared = Number(response.headers.get("content-length"));
  if (declared > MAX_ANSWER_BYTES) {
    await response.body.cancel().catch(() => {});
    throw tooLarge();
  }
  const reader = response.body.getReader();
  let received = 0;
  let finished = false;
  try {
    for (;;) {
      let next: ReadableStreamReadResult<Uint8Array>;
      try {
        next = await untilAborted(reader.read(), call.signal);
      } catch (error) {
        if (error instanceof ProviderError || call.signal.aborted) throw error instanceof ProviderError ? error : stalled();
        throw new ProviderError({ kind: "upstream", message: "The model provider's answer broke off", transient: true });
      }
      if (next.done) {
        finished = true;
        return;
      }
      received += next.value.byteLength;
      if (received > MAX_ANSWER_BYTES) throw tooLarge();
      yield next.value;
    }
  } finally {
    // Not awaited: a stalled body may never acknowledge the cancel.
    if (!finished) reader.cancel().catch(() => {});
  }
}

/** The whole body as text, read within the same bounds. */
export async function boundedText(response: Response, call: Pick<ModelCall, "signal">): Promise<string> {
  // A body whose length is declared and within bounds, not compressed (decoding could make it
  // longer), is read natively in one go: far cheaper than chunk by chunk, and as bounded.
  const declared = Number(response.headers.get("content-length") ?? Number.NaN);
  const encoding = response.headers.get("content-encoding");
  if (declared >= 0 && declared <= MAX_ANSWER_BYTES && (encoding === null || encoding === "identity")) {
    try {
      return await untilAborted(response.text(), call.signal);
    } catch (error) {
      if (error instanceof ProviderError || call.signal.aborted) throw error instanceof ProviderError ? error : stalled();
      throw new ProviderError({ kind: "upstream", message: "The model provider's answer broke off", transient: true });
    }
  }
  const decoder = new TextDecoder();
  let text = "";
  for await (const chunk of boundedChunks(response, call)) text += decoder.decode(chunk, { stream: true });
  return text + decoder.decode();
}
