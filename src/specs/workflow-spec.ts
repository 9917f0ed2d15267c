import { z } from "zod";
import { InputVariable, PromptBody } from "./prompt-spec";

const NodeId = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/, "Node ids are identifiers: letters, digits and _");
const TemplateText = z.string().max(100_000);

const nodeId = () => NodeId.meta({ description: "Unique in the workflow; later templates read this node's result as `nodes.ID`" });

const PromptNode = z
  .strictObject({
    id: nodeId(),
    type: z.literal("prompt"),
    // No field-level description: one would replace the reference to the InlinePrompt component with a copy.
    prompt: PromptBody.optional(),
    deployment: z.string().max(100).optional().meta({ description: "Or: a prompt deployment of the same environment, by name" }),
    release_tag: z.string().max(64).optional().meta({ description: "With `deployment`: the release tag to run (default LATEST)" }),
    inputs: z.record(z.string(), TemplateText).optional().meta({ description: "For a deployment: its input variables, as templates" }),
  })
  .meta({ id: "PromptNode", description: "Runs a prompt: inline (`prompt`) or a prompt deployment (`deployment`), exactly one of them. Its result: `nodes.ID.text`" });

const TemplateNode = z
  .strictObject({ id: nodeId(), type: z.literal("template"), template: TemplateText.meta({ description: "A Jinja template over `inputs.*`, `nodes.*` and `env.*`" }) })
  .meta({ id: "TemplateNode", description: "Renders a template. Its result: `nodes.ID.text`" });

const ConditionalNode = z
  .strictObject({
    id: nodeId(),
    type: z.literal("conditional"),
    cases: z
      .array(
        z
          .strictObject({
            when: z.string().min(1).max(2000).meta({ description: "A Jinja expression over `inputs.*`, `nodes.*` and `env.*`", example: "inputs.tier == 'gold'" }),
            then: NodeId.meta({ description: "The node to run when `when` is true: one this node leads to by an edge" }),
          })
          .meta({ id: "ConditionalCase" }),
      )
      .min(1)
      .max(20)
      .meta({ description: "Tried in order; the first true one wins" }),
    else: NodeId.optional().meta({ description: "The node to run when no case is true" }),
  })
  .meta({
    id: "ConditionalNode",
    description:
      "Chooses a branch: the `then` of the first case whose `when` is true, else `else`. Of the nodes it leads to, the others are skipped (unless another edge into them is live).",
  });

const SearchNode = z
  .strictObject({
    id: nodeId(),
    type: z.literal("search"),
    index: z.string().min(1).max(100).meta({ description: "A document index of this environment, by name" }),
    query: TemplateText.meta({ description: "A template" }),
    limit: z.number().int().min(1).max(50).default(5),
    metadata_filters: z.record(z.string(), z.unknown()).optional().meta({ description: "Only documents whose metadata has these values" }),
  })
  .meta({ id: "SearchNode", description: "Searches a document index. Its result: `nodes.ID.text` (the results' text) and `nodes.ID.results`" });

const ApiNode = z
  .strictObject({
    id: nodeId(),
    type: z.literal("api"),
    method: z.enum(["GET", "POST", "PUT", "PATCH", "DELETE"]).default("GET"),
    url: TemplateText.meta({ description: "A template" }),
    headers: z.record(z.string().max(200), TemplateText).optional().meta({ description: "Templates; `secrets.NAME` reads an environment secret" }),
    body: z.unknown().optional().meta({ description: "JSON; string values are templates" }),
    timeout_ms: z.number().int().min(1).max(60_000).default(10_000),
    max_response_bytes: z.number().int().min(1).max(5_000_000).default(1_000_000),
  })
  .meta({ id: "ApiNode", description: "Calls an HTTP API. Its result: `nodes.ID.status`, `nodes.ID.json` and `nodes.ID.text`" });

const OutputNode = z
  .strictObject({
    id: nodeId(),
    type: z.literal("output"),
    name: z
      .string()
      .regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/)
      .meta({ description: "The output's name in the execution's outputs" }),
    value: TemplateText.meta({ description: "A template" }),
  })
  .meta({ id: "OutputNode", description: "One of the workflow's outputs; it leads to no other node" });

export const WorkflowNode = z
  .discriminatedUnion("type", [PromptNode, TemplateNode, ConditionalNode, SearchNode, ApiNode, OutputNode])
  .meta({ id: "WorkflowNode", description: "A node of a workflow, by `type`" });

export const WorkflowEdge = z
  .strictObject({ from: NodeId, to: NodeId })
  .meta({ id: "WorkflowEdge", description: "`from` runs before `to`; `to`'s templates may read `nodes.FROM`" });

export const WorkflowSpec = z
  .strictObject({
    input_variables: z.array(InputVariable).max(100).default([]),
    nodes: z.array(WorkflowNode).min(1).max(200),
    edges: z.array(WorkflowEdge).max(1000).default([]),
  })
  .meta({
    id: "WorkflowSpec",
    description: "A workflow: a graph of nodes without cycles, in which every node leads to at least one output node. Checked when saved, not when run.",
    example: {
      input_variables: [{ key: "question", type: "STRING" }],
      nodes: [
        { id: "retrieve", type: "search", index: "faq", query: "{{ inputs.question }}", limit: 3 },
        { id: "answer", type: "prompt", prompt: { model: { provider: "echo", name: "echo" }, blocks: [{ role: "user", template: "{{ nodes.retrieve.text }}" }] } },
        { id: "final", type: "output", name: "answer", value: "{{ nodes.answer.text }}" },
      ],
      edges: [
        { from: "retrieve", to: "answer" },
        { from: "answer", to: "final" },
      ],
    },
  });

export type WorkflowSpec = z.infer<typeof WorkflowSpec>;
export type WorkflowNode = z.infer<typeof WorkflowNode>;
