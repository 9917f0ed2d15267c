import { z } from "@hono/zod-openapi";
import { PromptInput } from "./schemas";

const nullableString = (max: number) => z.string().max(max).nullable().optional();

export const ExecuteWorkflowBody = z
  .strictObject({
    inputs: z.array(PromptInput).max(100),
    workflow_deployment_id: nullableString(64),
    workflow_deployment_name: nullableString(100),
    release_tag: nullableString(100),
    external_id: nullableString(256),
    metadata: z.record(z.string(), z.unknown()).nullable().optional(),
    expand_meta: z.record(z.string(), z.boolean().nullable()).nullable().optional(),
    previous_execution_id: nullableString(64),
    event_types: z.array(z.enum(["NODE", "WORKFLOW"])).nullable().optional().openapi({ description: "Streaming only: NODE adds per-node events; default WORKFLOW only" }),
  })
  .openapi("ExecuteWorkflow");

export const ExecuteWorkflowResponse = z
  .object({
    execution_id: z.string(),
    external_id: z.string().nullable(),
    data: z.union([
      z.object({ id: z.string(), state: z.literal("FULFILLED"), ts: z.string(), outputs: z.array(z.object({ id: z.string(), name: z.string(), type: z.literal("STRING"), value: z.string() })) }),
      z.object({ id: z.string(), state: z.literal("REJECTED"), ts: z.string(), error: z.object({ message: z.string(), code: z.string(), node_id: z.string() }) }),
    ]),
    release: z.object({ id: z.string(), version: z.number().int(), environment: z.string(), deployment_id: z.string() }),
    nodes: z.array(z.object({ id: z.string(), type: z.string(), status: z.string(), error: z.string().nullable(), started_ms: z.number(), duration_ms: z.number() })),
  })
  .openapi("ExecuteWorkflowResult");
