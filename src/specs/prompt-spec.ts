import { z } from "@hono/zod-openapi";

export const inputTypes = ["STRING", "NUMBER", "JSON", "CHAT_HISTORY"] as const;
export const providers = ["echo", "openai", "anthropic", "workers-ai"] as const;

const Identifier = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/, "An identifier: letters, digits and _, not starting with a digit");

export const InputVariable = z
  .strictObject({
    key: Identifier,
    type: z.enum(inputTypes),
    required: z.boolean().optional().openapi({ description: "Defaults to true unless a default is given" }),
    default: z.unknown().optional(),
    description: z.string().max(1000).optional(),
  })
  .openapi("InputVariable");

export const ModelSpec = z
  .strictObject({
    provider: z.enum(providers).openapi({ description: "`openai` is any OpenAI-compatible chat completions API; `echo` answers with the last message's text, offline" }),
    name: z.string().min(1).max(200),
    parameters: z
      .record(z.string().max(64), z.unknown())
      .refine((p) => Object.keys(p).length <= 50, "At most 50 parameters")
      .optional()
      .openapi({ example: { temperature: 0.2, max_tokens: 512 } }),
    base_url: z.url().max(2000).optional().openapi({ description: "For `openai`: the API's base URL (default https://api.openai.com/v1)" }),
  })
  .openapi("ModelSpec");

const TemplateText = z.string().max(100_000);

export const MessageBlock = z
  .union([
    z.strictObject({ role: z.enum(["system", "user", "assistant"]), template: TemplateText }),
    z.strictObject({ chat_history: Identifier.openapi({ description: "A CHAT_HISTORY input variable whose messages are inserted here" }) }),
  ])
  .openapi("MessageBlock");

/** The blocks and model of a prompt: what a workflow's inline prompt node holds. */
export const PromptBody = z.strictObject({
  model: ModelSpec,
  blocks: z.array(MessageBlock).min(1).max(100),
});

export const PromptSpec = z
  .strictObject({
    input_variables: z.array(InputVariable).max(100).default([]),
    model: ModelSpec,
    blocks: z.array(MessageBlock).min(1).max(100),
  })
  .openapi("PromptSpec");

export type InputVariable = z.infer<typeof InputVariable>;
export type PromptSpec = z.infer<typeof PromptSpec>;
export type MessageBlock = z.infer<typeof MessageBlock>;
export type ModelSpec = z.infer<typeof ModelSpec>;
