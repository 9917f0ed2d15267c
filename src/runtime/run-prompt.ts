import { BoundedMap } from "../lib/bounded-map";
import { log } from "../lib/log";
import { openSecretBox, type SecretBox, secretBinding } from "../lib/secret-box";
import type { PromptSpec } from "../specs/prompt-spec";
import type { RuntimeEnvironment } from "./environment";
import { costOf } from "./prices";
import { providerFor } from "./providers";
import { type ChatMessage, type FinishReason, type ModelCall, type ModelChunk, ProviderError, type ProviderFailure, type TokenUsage } from "./providers/types";
import { renderMessages } from "./render-prompt";

/** What running a prompt needs from outside: no bindings, so tests and the sandbox share it. */
export interface RuntimeContext {
  fetch: typeof fetch;
  masterKey: string;
  timeoutMs: number;
}

export interface VellumError {
  code: "INVALID_INPUTS" | "PROVIDER_ERROR" | "PROVIDER_CREDENTIALS_UNAVAILABLE" | "REQUEST_TIMEOUT" | "PROVIDER_QUOTA_EXCEEDED" | "INTERNAL_SERVER_ERROR";
  message: string;
}

export type PromptOutcome =
  | { status: "FULFILLED"; text: string; usage: TokenUsage | null; finishReason: FinishReason; cost: number | null }
  | { status: "REJECTED"; error: VellumError; retryAfter?: string | null | undefined; rateLimited?: boolean };

/** Boxes by master key, so a key is imported once per isolate; there is one master key (two while it is rotated). */
const boxes = new BoundedMap<string, Promise<SecretBox>>(4);

/** The environment's secrets, opened one at a time and only when a provider (or an api node) asks. */
export function secretReader(ctx: RuntimeContext, env: RuntimeEnvironment) {
  return async (name: string) => {
    const sealed = env.secrets[name];
    if (sealed === undefined) return undefined;
    let box = boxes.get(ctx.masterKey);
    if (!box) {
      box = openSecretBox(ctx.masterKey);
      boxes.set(ctx.masterKey, box);
    }
    return (await box).open(sealed, secretBinding(env.id, name));
  };
}

function rejection(failure: ProviderFailure): PromptOutcome {
  switch (failure.kind) {
    case "rate_limited":
      return { status: "REJECTED", error: { code: "PROVIDER_QUOTA_EXCEEDED", message: failure.message }, retryAfter: failure.retryAfter, rateLimited: true };
    case "timeout":
      return { status: "REJECTED", error: { code: "REQUEST_TIMEOUT", message: failure.message } };
    case "credentials":
      return { status: "REJECTED", error: { code: "PROVIDER_CREDENTIALS_UNAVAILABLE", message: failure.message } };
    case "upstream":
      return { status: "REJECTED", error: { code: "PROVIDER_ERROR", message: failure.message } };
  }
}

function asRejection(error: unknown): PromptOutcome {
  if (error instanceof ProviderError) return rejection(error.failure);
  // Anything else escaping a provider is a defect; say so without details.
  log.error("model call failed unexpectedly", { error });
  return { status: "REJECTED", error: { code: "INTERNAL_SERVER_ERROR", message: "The model call failed unexpectedly" } };
}

/** Renders the messages, or rejects the execution when a template fails on these inputs. */
export function render(spec: Pick<PromptSpec, "blocks">, values: Record<string, unknown>, env: RuntimeEnvironment): { messages: ChatMessage[] } | { outcome: PromptOutcome } {
  try {
    return { messages: renderMessages(spec.blocks, values, env.variables) };
  } catch (error) {
    return {
      outcome: {
        status: "REJECTED",
        error: { code: "INVALID_INPUTS", message: `A template could not be rendered with these inputs: ${error instanceof Error ? error.message : String(error)}` },
      },
    };
  }
}

/**
 * One call's parameters. Its signal aborts the call after the upstream
 * timeout; the timer behind it belongs to the request and ends with it.
 */
function modelCall(ctx: RuntimeContext, spec: Pick<PromptSpec, "model">, messages: ChatMessage[], env: RuntimeEnvironment): ModelCall {
  return { model: spec.model, messages, secret: secretReader(ctx, env), signal: AbortSignal.timeout(ctx.timeoutMs), fetch: ctx.fetch };
}

/** Calls the model once for a whole answer. Never throws for provider trouble: that is a REJECTED outcome. */
export async function completePrompt(ctx: RuntimeContext, spec: Pick<PromptSpec, "model">, messages: ChatMessage[], env: RuntimeEnvironment): Promise<PromptOutcome> {
  try {
    const result = await providerFor(spec.model).complete(modelCall(ctx, spec, messages, env));
    return { status: "FULFILLED", ...result, cost: costOf(spec.model.provider, spec.model.name, result.usage, env.model_prices) };
  } catch (error) {
    return asRejection(error);
  }
}

/**
 * The answer to a rendered prompt: the rejection rendering decided, or one
 * model call. Not async, so that callers await the model call's own promise.
 */
export function completeRendered(ctx: RuntimeContext, spec: Pick<PromptSpec, "model">, rendered: ReturnType<typeof render>, env: RuntimeEnvironment): Promise<PromptOutcome> {
  return "outcome" in rendered ? Promise.resolve(rendered.outcome) : completePrompt(ctx, spec, rendered.messages, env);
}

/** Streams the answer: text deltas, then one final outcome. */
export async function* streamPrompt(
  ctx: RuntimeContext,
  spec: Pick<PromptSpec, "model">,
  messages: ChatMessage[],
  env: RuntimeEnvironment,
): AsyncGenerator<{ delta: string } | { outcome: PromptOutcome }> {
  let text = "";
  try {
    for await (const chunk of providerFor(spec.model).stream(modelCall(ctx, spec, messages, env)) as AsyncGenerator<ModelChunk>) {
      if ("delta" in chunk) {
        text += chunk.delta;
        yield chunk;
      } else {
        const cost = costOf(spec.model.provider, spec.model.name, chunk.done.usage, env.model_prices);
        yield { outcome: { status: "FULFILLED", text, usage: chunk.done.usage, finishReason: chunk.done.finishReason, cost } };
        return;
      }
    }
    yield { outcome: { status: "REJECTED", error: { code: "PROVIDER_ERROR", message: "The model provider's stream ended without an answer" } } };
  } catch (error) {
    yield { outcome: asRejection(error) };
  }
}
