import { z } from "@hono/zod-openapi";
import { PromptInput, ReleaseServed } from "./schemas";

export const ExecuteWorkflowBody = z
  .strictObject({
    inputs: z.array(PromptInput).max(100),
    workflow_deployment_id: z.string().max(64).nullish(),
    workflow_deployment_name: z.string().max(100).nullish(),
    release_tag: z.string().max(100).nullish(),
    external_id: z.string().max(256).nullish(),
    metadata: z.record(z.string(), z.unknown()).nullish(),
    expand_meta: z.record(z.string(), z.boolean().nullable()).nullish(),
    previous_execution_id: z.string().max(64).nullish(),
    event_types: z
      .array(z.enum(["NODE", "WORKFLOW"]))
      .nullish()
      .openapi({ description: "Streaming only: NODE adds per-node events; default WORKFLOW only" }),
  })
  .openapi("ExecuteWorkflow");

export const ExecuteWorkflowResponse = z
  .object({
    execution_id: z.string(),
    external_id: z.string().nullable(),
    data: z.union([
      z.object({
        id: z.string(),
        state: z.literal("FULFILLED"),
        ts: z.string(),
        outputs: z.array(z.object({ id: z.string(), name: z.string(), type: z.literal("STRING"), value: z.string() })),
      }),
      z.object({ id: z.string(), state: z.literal("REJECTED"), ts: z.string(), error: z.object({ message: z.string(), code: z.string(), node_id: z.string() }) }),
    ]),
    release: ReleaseServed,
    nodes: z.array(z.object({ id: z.string(), type: z.string(), status: z.string(), error: z.string().nullable(), started_ms: z.number(), duration_ms: z.number() })),
  })
  .openapi("ExecuteWorkflowResult");
