import { z } from "@hono/zod-openapi";
import { InputVariable, PromptBody } from "./prompt-spec";

const NodeId = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/, "Node ids are identifiers: letters, digits and _");
const TemplateText = z.string().max(100_000);

const PromptNode = z.strictObject({
  id: NodeId,
  type: z.literal("prompt"),
  prompt: PromptBody.optional().openapi({ description: "An inline prompt; its templates read `inputs.*`, `nodes.*` and `env.*`" }),
  deployment: z.string().max(100).optional().openapi({ description: "Or: a prompt deployment of the same environment, by name" }),
  release_tag: z.string().max(64).optional(),
  inputs: z.record(z.string(), TemplateText).optional().openapi({ description: "For a deployment: its input variables, as templates" }),
});

const TemplateNode = z.strictObject({ id: NodeId, type: z.literal("template"), template: TemplateText });

const ConditionalNode = z.strictObject({
  id: NodeId,
  type: z.literal("conditional"),
  cases: z
    .array(z.strictObject({ when: z.string().min(1).max(2000).openapi({ example: "inputs.tier == 'gold'" }), then: NodeId }))
    .min(1)
    .max(20),
  else: NodeId.optional(),
});

const SearchNode = z.strictObject({
  id: NodeId,
  type: z.literal("search"),
  index: z.string().min(1).max(100),
  query: TemplateText,
  limit: z.number().int().min(1).max(50).default(5),
  metadata_filters: z.record(z.string(), z.unknown()).optional(),
});

const ApiNode = z.strictObject({
  id: NodeId,
  type: z.literal("api"),
  method: z.enum(["GET", "POST", "PUT", "PATCH", "DELETE"]).default("GET"),
  url: TemplateText,
  headers: z.record(z.string().max(200), TemplateText).optional().openapi({ description: "Templates; `secrets.NAME` reads an environment secret" }),
  body: z.unknown().optional().openapi({ description: "JSON; string values are templates" }),
  timeout_ms: z.number().int().min(1).max(60_000).default(10_000),
  max_response_bytes: z.number().int().min(1).max(5_000_000).default(1_000_000),
});

const OutputNode = z.strictObject({ id: NodeId, type: z.literal("output"), name: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/), value: TemplateText });

export const WorkflowNode = z.discriminatedUnion("type", [PromptNode, TemplateNode, ConditionalNode, SearchNode, ApiNode, OutputNode]).openapi("WorkflowNode");

export const WorkflowSpec = z
  .strictObject({
    input_variables: z.array(InputVariable).max(100).default([]),
    nodes: z.array(WorkflowNode).min(1).max(200),
    edges: z
      .array(z.strictObject({ from: NodeId, to: NodeId }))
      .max(1000)
      .default([]),
  })
  .openapi("WorkflowSpec");

export type WorkflowSpec = z.infer<typeof WorkflowSpec>;
export type WorkflowNode = z.infer<typeof WorkflowNode>;
