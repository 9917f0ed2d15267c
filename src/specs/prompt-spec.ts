import { z } from "zod";

// These schemas validate specs and, through their `.meta({ id })`, are the
// named components of /openapi.json. Plain zod, so a CLI can import them too.

export const inputTypes = ["STRING", "NUMBER", "JSON", "CHAT_HISTORY"] as const;
export const providers = ["echo", "openai", "anthropic", "workers-ai"] as const;

const Identifier = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/, "An identifier: letters, digits and _, not starting with a digit");

export const InputVariable = z
  .strictObject({
    key: Identifier.meta({ description: "The name templates read it by", example: "question" }),
    type: z.enum(inputTypes).meta({
      description:
        "`STRING`: text; `NUMBER`: a finite number; `JSON`: any JSON value; `CHAT_HISTORY`: an array of messages (`{ role, text }`), inserted where a `chat_history` block names it",
    }),
    required: z.boolean().optional().meta({ description: "Defaults to true unless a default is given" }),
    default: z.unknown().optional().meta({ description: "Used when the input is absent; must be a valid value of `type`" }),
    description: z.string().max(1000).optional(),
  })
  .meta({ id: "InputVariable", description: "A typed input of a prompt or workflow" });

export const ModelSpec = z
  .strictObject({
    provider: z.enum(providers).meta({ description: "`openai` is any OpenAI-compatible chat completions API; `echo` answers with the last message's text, offline" }),
    name: z.string().min(1).max(200).meta({ description: "The provider's model name", example: "gpt-4o-mini" }),
    parameters: z
      .record(z.string().max(64), z.unknown())
      .refine((p) => Object.keys(p).length <= 50, "At most 50 parameters")
      .optional()
      .meta({ description: "Passed to the provider as they are; at most 50", example: { temperature: 0.2, max_tokens: 512 } }),
    base_url: z.url().max(2000).optional().meta({ description: "For `openai`: the API's base URL (default https://api.openai.com/v1)" }),
  })
  .meta({ id: "ModelSpec", description: "The model a prompt runs on" });

const TemplateText = z.string().max(100_000);

export const MessageBlock = z
  .union([
    z
      .strictObject({
        role: z.enum(["system", "user", "assistant"]),
        template: TemplateText.meta({ description: "A Jinja template (`{{ question }}`, `{% if %}`, `{% for %}`)", example: "{{ question }}" }),
      })
      .meta({ id: "TemplateBlock", description: "A message whose text is rendered from a template" }),
    z
      .strictObject({
        chat_history: Identifier.meta({ description: "A CHAT_HISTORY input variable whose messages are inserted here" }),
      })
      .meta({ id: "ChatHistoryBlock", description: "The messages of a CHAT_HISTORY input, in order" }),
  ])
  .meta({ id: "MessageBlock", description: "A message template, or the place where a chat history goes" });

/** More would only stretch a failing request: every model shares one timeout (UPSTREAM_TIMEOUT_MS). */
export const MAX_FALLBACK_MODELS = 3;

/** The blocks and model of a prompt: what a workflow's inline prompt node holds. */
export const PromptBody = z
  .strictObject({
    model: ModelSpec,
    blocks: z.array(MessageBlock).min(1).max(100),
  })
  .meta({ id: "InlinePrompt", description: "A prompt without input variables of its own: its templates read the workflow's `inputs.*`, `nodes.*` and `env.*`" });

export const PromptSpec = z
  .strictObject({
    input_variables: z.array(InputVariable).max(100).default([]),
    model: ModelSpec,
    fallback_models: z
      .array(ModelSpec)
      .max(MAX_FALLBACK_MODELS)
      .optional()
      .meta({
        description: `Tried in order when \`model\` (then each fallback before) still fails after its retries with a 5xx, a connection error, a timeout or a 429; at most ${MAX_FALLBACK_MODELS}. The model that answered is in the response's \`meta\` and \`X-Model\` header and in the execution`,
        example: [{ provider: "anthropic", name: "claude-3-5-haiku-latest" }],
      }),
    blocks: z.array(MessageBlock).min(1).max(100).meta({ description: "The messages sent, in order; templates read input variables by key and `env.NAME`" }),
  })
  .meta({
    id: "PromptSpec",
    description: "A prompt: typed input variables, a model and message blocks",
    example: {
      input_variables: [
        { key: "question", type: "STRING", required: true },
        { key: "product", type: "STRING", default: "Stagecraft" },
      ],
      model: { provider: "echo", name: "echo", parameters: { temperature: 0 } },
      blocks: [
        { role: "system", template: "You answer questions about {{ product }}." },
        { role: "user", template: "{{ question }}" },
      ],
    },
  });

export type InputVariable = z.infer<typeof InputVariable>;
export type PromptSpec = z.infer<typeof PromptSpec>;
export type MessageBlock = z.infer<typeof MessageBlock>;
export type ModelSpec = z.infer<typeof ModelSpec>;
