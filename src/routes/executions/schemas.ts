import { z } from "@hono/zod-openapi";
import { EnvironmentQuery, PaginationQuery, Timestamp } from "../../http/openapi";

export const ExecutionSchema = z
  .object({
    id: z.string(),
    environment: z.string(),
    deployment_id: z.string().nullable(),
    release_id: z.string().nullable(),
    release_tag: z.string().nullable(),
    kind: z.enum(["prompt", "workflow"]),
    status: z.enum(["FULFILLED", "REJECTED"]),
    error: z.object({ code: z.string(), message: z.string() }).nullable(),
    model: z
      .object({
        provider: z.string(),
        name: z.string().nullable(),
        fallback_index: z
          .number()
          .int()
          .nullable()
          .openapi({ description: "Null when the prompt's own model answered; otherwise the position in `fallback_models` of the one that did" }),
        attempts: z.number().int().nullable().openapi({ description: "Provider calls the execution made, retries and fallbacks included (null for workflows)" }),
      })
      .nullable()
      .openapi({ description: "The model that answered (for a rejection: the last one tried)" }),
    usage: z.object({ input_tokens: z.number().nullable(), output_tokens: z.number().nullable() }).nullable(),
    cost_usd: z.number().nullable(),
    latency_ms: z.number(),
    external_id: z.string().nullable(),
    metadata: z.unknown(),
    inputs: z.unknown(),
    outputs: z.unknown(),
    nodes: z.unknown(),
    quality_score: z.number().nullable(),
    actual: z.object({ text: z.string().nullable(), metadata: z.unknown(), at: z.string() }).nullable(),
    created_at: Timestamp,
    edge_stale: z.boolean().openapi({ description: "The release pointer or key entry was served from the isolate's last known value because KV failed" }),
  })
  .openapi("Execution");

export const ListExecutionsQuery = PaginationQuery.merge(EnvironmentQuery).extend({
  deployment: z.string().max(100).optional().openapi({ description: "Deployment id or name" }),
  release_id: z.string().max(64).optional(),
  status: z.enum(["FULFILLED", "REJECTED"]).optional(),
  from: Timestamp.optional(),
  to: Timestamp.optional(),
});

/** Vellum's completion actuals: every field of an actual may be null or left out. */
export const SubmitActualsBody = z
  .strictObject({
    deployment_id: z.string().max(64).nullish(),
    deployment_name: z.string().max(100).nullish(),
    actuals: z
      .array(
        z.strictObject({
          id: z.string().max(64).nullish(),
          external_id: z.string().max(256).nullish(),
          text: z.string().max(100_000).nullish(),
          quality: z.number().min(0).max(1).nullish(),
          timestamp: Timestamp.nullish(),
          metadata: z.record(z.string(), z.unknown()).nullish(),
        }),
      )
      .min(1)
      .max(100),
  })
  .openapi("SubmitCompletionActuals");
