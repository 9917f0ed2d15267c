import { createRoute, z } from "@hono/zod-openapi";
import { unwrap } from "../../lib/result";
import { authenticate, requireAnyScope } from "../../access/authenticate-request";
import { getExecution, listExecutionsFor, submitActuals } from "../../executions/executions";
import { EnvironmentQuery, jsonBody, jsonResponse, keySecurity, PaginationQuery, pageOf, problems, Timestamp } from "../../http/openapi";
import type { Router } from "../../http/router";

const ExecutionSchema = z
  .object({
    id: z.string(),
    environment: z.string(),
    deployment_id: z.string().nullable(),
    release_id: z.string().nullable(),
    release_tag: z.string().nullable(),
    kind: z.enum(["prompt", "workflow"]),
    status: z.enum(["FULFILLED", "REJECTED"]),
    error: z.object({ code: z.string(), message: z.string() }).nullable(),
    model: z.object({ provider: z.string(), name: z.string().nullable() }).nullable(),
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
  })
  .openapi("Execution");

const listRoute = createRoute({
  method: "get",
  path: "/v1/executions",
  tags: ["Executions"],
  summary: "List executions",
  description: "This environment's executions, newest first. Records arrive through a queue, usually within a second or two of the call.",
  security: keySecurity,
  middleware: [authenticate, requireAnyScope("read")] as const,
  request: {
    query: PaginationQuery.merge(EnvironmentQuery).extend({
      deployment: z.string().max(100).optional().openapi({ description: "Deployment id or name" }),
      release_id: z.string().max(64).optional(),
      status: z.enum(["FULFILLED", "REJECTED"]).optional(),
      from: Timestamp.optional(),
      to: Timestamp.optional(),
    }),
  },
  responses: { 200: jsonResponse(pageOf(ExecutionSchema), "A page of executions"), ...problems(400, 401, 403, 404) },
});

const getRoute = createRoute({
  method: "get",
  path: "/v1/executions/{id}",
  tags: ["Executions"],
  summary: "Get an execution",
  security: keySecurity,
  middleware: [authenticate, requireAnyScope("read")] as const,
  request: { params: z.object({ id: z.string().max(64).openapi({ param: { name: "id", in: "path" } }) }), query: EnvironmentQuery },
  responses: { 200: jsonResponse(ExecutionSchema, "The execution"), ...problems(400, 401, 403, 404) },
});

const nullable = <T extends z.ZodType>(schema: T) => schema.nullable().optional();

const actualsRoute = createRoute({
  method: "post",
  path: "/v1/submit-completion-actuals",
  tags: ["Execute (Vellum-compatible)"],
  summary: "Submit quality feedback on executions",
  description: "Vellum's completion actuals: a quality score (0–1), the text that should have come out, and metadata, per execution (by `id` or `external_id`).",
  security: keySecurity,
  middleware: [authenticate, requireAnyScope("execute")] as const,
  request: {
    query: EnvironmentQuery,
    body: jsonBody(
      z
        .strictObject({
          deployment_id: nullable(z.string().max(64)),
          deployment_name: nullable(z.string().max(100)),
          actuals: z
            .array(
              z.strictObject({
                id: nullable(z.string().max(64)),
                external_id: nullable(z.string().max(256)),
                text: nullable(z.string().max(100_000)),
                quality: nullable(z.number().min(0).max(1)),
                timestamp: nullable(Timestamp),
                metadata: nullable(z.record(z.string(), z.unknown())),
              }),
            )
            .min(1)
            .max(100),
        })
        .openapi("SubmitCompletionActuals"),
    ),
  },
  responses: { 200: jsonResponse(z.object({ updated: z.number().int() }), "How many executions were updated"), ...problems(400, 401, 403, 404, 415) },
});

export function registerExecutionRoutes(router: Router) {
  router.openapi(listRoute, async (c) => c.json(unwrap(await listExecutionsFor(c.get("deps"), c.get("principal"), c.req.valid("query"))), 200));
  router.openapi(getRoute, async (c) =>
    c.json(unwrap(await getExecution(c.get("deps"), c.get("principal"), c.req.valid("param").id, c.req.valid("query").environment)), 200),
  );
  router.openapi(actualsRoute, async (c) =>
    c.json(unwrap(await submitActuals(c.get("deps"), c.get("principal"), c.req.valid("query").environment, c.req.valid("json"))), 200),
  );
}
