import { BoundedMap } from "../lib/bounded-map";
import { log } from "../lib/log";
import { openSecretBox, type SecretBox, secretBinding } from "../lib/secret-box";
import type { PromptSpec } from "../specs/prompt-spec";
import type { RuntimeEnvironment } from "./environment";
import { costOf } from "./prices";
import { type ChainCall, completeWithFallbacks, type ModelServed, streamWithFallbacks } from "./providers/model-chain";
import { type ChatMessage, type FinishReason, ProviderError, type ProviderFailure, type TokenUsage } from "./providers/types";
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

/** `model`: the model that answered (or was tried last), absent when no model was called. */
export type PromptOutcome =
  | { status: "FULFILLED"; text: string; usage: TokenUsage | null; finishReason: FinishReason; cost: number | null; model?: ModelServed }
  | { status: "REJECTED"; error: VellumError; retryAfter?: string | null | undefined; rateLimited?: boolean; model?: ModelServed };

/** The models a prompt may run on, in the order they are tried. */
type PromptModels = Pick<PromptSpec, "model" | "fallback_models">;

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
 * One call's parameters, for whichever model the chain tries; the chain
 * keeps the time (UPSTREAM_TIMEOUT_MS for everything, retries and fallbacks
 * included).
 */
function chainCall(ctx: RuntimeContext, messages: ChatMessage[], env: RuntimeEnvironment): ChainCall {
  return { messages, secret: secretReader(ctx, env), fetch: ctx.fetch };
}

const modelsOf = (spec: PromptModels) => [spec.model, ...(spec.fallback_models ?? [])];

/**
 * Calls the model for a whole answer, retrying and falling back as
 * providers/model-chain.ts decides. Never throws for provider trouble: that
 * is a REJECTED outcome.
 */
export async function completePrompt(ctx: RuntimeContext, spec: PromptModels, messages: ChatMessage[], env: RuntimeEnvironment): Promise<PromptOutcome> {
  const chained = await completeWithFallbacks(modelsOf(spec), chainCall(ctx, messages, env), ctx.timeoutMs);
  const model = chained.served;
  if (!chained.ok) return { ...asRejection(chained.error), model };
  return { status: "FULFILLED", ...chained.result, cost: costOf(model.provider, model.name, chained.result.usage, env.model_prices), model };
}

/**
 * The answer to a rendered prompt: the rejection rendering decided, or one
 * model call. Not async, so that callers await the model call's own promise.
 */
export function completeRendered(ctx: RuntimeContext, spec: PromptModels, rendered: ReturnType<typeof render>, env: RuntimeEnvironment): Promise<PromptOutcome> {
  return "outcome" in rendered ? Promise.resolve(rendered.outcome) : completePrompt(ctx, spec, rendered.messages, env);
}

/**
 * Streams the answer: the model once its answer has begun, text deltas, then
 * one final outcome. Retries and fallbacks happen only before the first
 * delta; after it a failure is the outcome.
 */
export async function* streamPrompt(
  ctx: RuntimeContext,
  spec: PromptModels,
  messages: ChatMessage[],
  env: RuntimeEnvironment,
): AsyncGenerator<{ answering: ModelServed } | { delta: string } | { outcome: PromptOutcome }> {
  let text = "";
  let model: ModelServed | undefined;
  for await (const item of streamWithFallbacks(modelsOf(spec), chainCall(ctx, messages, env), ctx.timeoutMs)) {
    if ("answering" in item) {
      model = item.answering;
      yield item;
    } else if ("delta" in item) {
      text += item.delta;
      yield item;
    } else if ("failed" in item) {
      yield { outcome: { ...asRejection(item.failed), model: item.served } };
      return;
    } else {
      const cost = model ? costOf(model.provider, model.name, item.done.usage, env.model_prices) : null;
      yield { outcome: { status: "FULFILLED", text, usage: item.done.usage, finishReason: item.done.finishReason, cost, model } };
      return;
    }
  }
  yield { outcome: { status: "REJECTED", error: { code: "PROVIDER_ERROR", message: "The model provider's stream ended without an answer" }, model } };
}
