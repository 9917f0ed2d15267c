import { z } from "@hono/zod-openapi";

const ChatMessage = z.object({
  role: z.enum(["SYSTEM", "ASSISTANT", "USER", "FUNCTION"]),
  text: z.string().nullish(),
  content: z.object({ type: z.string(), value: z.unknown() }).nullish(),
  source: z.string().nullish(),
  metadata: z.record(z.string(), z.unknown()).nullish(),
});

export const PromptInput = z
  .strictObject({
    name: z.string().min(1).max(128),
    type: z.enum(["STRING", "NUMBER", "JSON", "CHAT_HISTORY"]).openapi({ description: "STRING, JSON and CHAT_HISTORY as Vellum sends them; NUMBER for NUMBER variables" }),
    value: z.unknown().optional(),
  })
  .openapi("PromptInput", { example: { name: "question", type: "STRING", value: "How do I deploy?" } });

export const ChatHistoryValue = z.array(ChatMessage);

export const ExecutePromptBody = z
  .strictObject({
    inputs: z.array(PromptInput).max(100),
    prompt_deployment_id: z.string().max(64).nullish(),
    prompt_deployment_name: z.string().max(100).nullish(),
    release_tag: z.string().max(100).nullish().openapi({ description: "A tag (default LATEST), or a release id of this environment" }),
    external_id: z.string().max(256).nullish(),
    expand_meta: z.record(z.string(), z.boolean().nullable()).nullish().openapi({ description: "Accepted for compatibility; meta is always complete" }),
    raw_overrides: z.record(z.string(), z.unknown()).nullish().openapi({ description: "Accepted for compatibility; not applied" }),
    expand_raw: z.array(z.string()).nullish(),
    metadata: z.record(z.string(), z.unknown()).nullish(),
  })
  .openapi("ExecutePrompt");

const RolloutServed = z
  .object({ id: z.string(), arm: z.enum(["stable", "candidate"]), step: z.number().int() })
  .openapi("RolloutServed", { description: "During a rollout: the rollout, the arm its split chose, and its step (also in the X-Rollout-Arm header)" });

const Meta = z
  .object({
    model_name: z.string().openapi({ description: "The model that answered (or was tried last): a fallback's name when a fallback answered" }),
    model_provider: z.string().optional().openapi({ description: "The provider of that model; absent when no model was called" }),
    fallback_index: z
      .number()
      .int()
      .nullable()
      .optional()
      .openapi({ description: "Null when the prompt's own model answered; otherwise the position in `fallback_models` of the one that did" }),
    attempts: z.number().int().optional().openapi({ description: "Provider calls made, retries and fallbacks included" }),
    latency: z.number(),
    deployment_release_tag: z.string(),
    prompt_version_id: z.string(),
    finish_reason: z.enum(["STOP", "LENGTH", "UNKNOWN"]).optional(),
    usage: z.object({ input_token_count: z.number(), output_token_count: z.number() }).nullish(),
    cost: z.object({ value: z.number(), unit: z.literal("USD") }).nullish(),
    rollout: RolloutServed.optional(),
  })
  .openapi("ExecutionMeta");

/** Which release served the call; the `X-Release-Id` header names it too. */
export const ReleaseServed = z.object({ id: z.string(), version: z.number().int(), environment: z.string(), deployment_id: z.string(), rollout: RolloutServed.optional() });

export const ExecutePromptResponse = z
  .union([
    z.object({
      state: z.literal("FULFILLED"),
      execution_id: z.string(),
      outputs: z.array(z.object({ type: z.literal("STRING"), value: z.string() })),
      meta: Meta,
      release: ReleaseServed,
    }),
    z.object({ state: z.literal("REJECTED"), execution_id: z.string(), error: z.object({ code: z.string(), message: z.string() }), meta: Meta, release: ReleaseServed }),
  ])
  .openapi("ExecutePromptResult");
