import { z } from "@hono/zod-openapi";

const ChatMessage = z.object({
  role: z.enum(["SYSTEM", "ASSISTANT", "USER", "FUNCTION"]),
  text: z.string().nullable().optional(),
  content: z.object({ type: z.string(), value: z.unknown() }).nullable().optional(),
  source: z.string().nullable().optional(),
  metadata: z.record(z.string(), z.unknown()).nullable().optional(),
});

export const PromptInput = z
  .strictObject({
    name: z.string().min(1).max(128),
    type: z.enum(["STRING", "NUMBER", "JSON", "CHAT_HISTORY"]).openapi({ description: "STRING, JSON and CHAT_HISTORY as Vellum sends them; NUMBER for NUMBER variables" }),
    value: z.unknown().optional(),
  })
  .openapi("PromptInput", { example: { name: "question", type: "STRING", value: "How do I deploy?" } });

export const ChatHistoryValue = z.array(ChatMessage);

const nullableString = (max: number) => z.string().max(max).nullable().optional();

export const ExecutePromptBody = z
  .strictObject({
    inputs: z.array(PromptInput).max(100),
    prompt_deployment_id: nullableString(64),
    prompt_deployment_name: nullableString(100),
    release_tag: nullableString(100).openapi({ description: "A tag (default LATEST), or a release id of this environment" }),
    external_id: nullableString(256),
    expand_meta: z.record(z.string(), z.boolean().nullable()).nullable().optional().openapi({ description: "Accepted for compatibility; meta is always complete" }),
    raw_overrides: z.record(z.string(), z.unknown()).nullable().optional().openapi({ description: "Accepted for compatibility; not applied" }),
    expand_raw: z.array(z.string()).nullable().optional(),
    metadata: z.record(z.string(), z.unknown()).nullable().optional(),
  })
  .openapi("ExecutePrompt");

const Meta = z
  .object({
    model_name: z.string(),
    latency: z.number(),
    deployment_release_tag: z.string(),
    prompt_version_id: z.string(),
    finish_reason: z.enum(["STOP", "LENGTH", "UNKNOWN"]).optional(),
    usage: z.object({ input_token_count: z.number(), output_token_count: z.number() }).nullable().optional(),
    cost: z.object({ value: z.number(), unit: z.literal("USD") }).nullable().optional(),
  })
  .openapi("ExecutionMeta");

const ReleaseServed = z.object({ id: z.string(), version: z.number().int(), environment: z.string(), deployment_id: z.string() });

export const ExecutePromptResponse = z
  .union([
    z.object({ state: z.literal("FULFILLED"), execution_id: z.string(), outputs: z.array(z.object({ type: z.literal("STRING"), value: z.string() })), meta: Meta, release: ReleaseServed }),
    z.object({ state: z.literal("REJECTED"), execution_id: z.string(), error: z.object({ code: z.string(), message: z.string() }), meta: Meta, release: ReleaseServed }),
  ])
  .openapi("ExecutePromptResult");
