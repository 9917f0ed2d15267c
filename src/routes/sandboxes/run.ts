import { createRoute, z } from "@hono/zod-openapi";
import { authenticate, requireAnyScope } from "../../access/authenticate-request";
import { EnvironmentQuery, jsonResponse, keySecurity, optionalJsonBody, problems } from "../../http/openapi";
import type { Router } from "../../http/router";
import { unwrap } from "../../lib/result";
import { runSandbox } from "../../testing/run-sandbox";
import { SandboxParams } from "./schemas";

const RunBody = z
  .strictObject({
    scenario: z.string().max(100).optional().openapi({ description: "A scenario of the sandbox whose inputs to use" }),
    inputs: z
      .record(z.string(), z.unknown())
      .optional()
      .openapi({ description: "Input values by variable name; they override the scenario's", example: { question: "How do I roll back?" } }),
    revision: z.number().int().min(1).optional().openapi({ description: "Default: the latest revision" }),
  })
  .openapi("RunSandbox");

const RunResult = z
  .object({
    state: z.enum(["FULFILLED", "REJECTED"]),
    sandbox: z.object({ id: z.string(), revision: z.number().int() }),
    environment: z.string(),
    scenario: z.string().nullable(),
    messages: z
      .array(z.object({ role: z.string(), content: z.string() }))
      .nullable()
      .openapi({ description: "The rendered messages sent to the model" }),
    outputs: z.array(z.object({ type: z.literal("STRING"), name: z.string().optional(), value: z.string() })).optional(),
    nodes: z
      .array(z.object({ id: z.string(), type: z.string(), status: z.string(), output: z.unknown(), error: z.string().nullable(), started_ms: z.number(), duration_ms: z.number() }))
      .optional(),
    error: z.object({ code: z.string(), message: z.string() }).optional(),
    meta: z.object({ model_name: z.string(), latency: z.number() }),
    usage: z.object({ input_tokens: z.number(), output_tokens: z.number() }).nullable().optional(),
    cost_usd: z.number().nullable().optional(),
    expected: z.unknown().optional(),
    matches_expected: z.boolean().nullable().optional(),
  })
  .openapi("SandboxRun");

const route = createRoute({
  method: "post",
  path: "/v1/sandboxes/{id}/run",
  tags: ["Sandboxes"],
  summary: "Run a sandbox's draft",
  description:
    "Runs the draft through the same runtime as a deployed release, in the key's environment (its variables and provider secrets), without deploying. Needs `execute` there.",
  security: keySecurity,
  middleware: [authenticate, requireAnyScope("execute")] as const,
  request: { params: SandboxParams, query: EnvironmentQuery, body: optionalJsonBody(RunBody) },
  responses: { 200: jsonResponse(RunResult, "The result, with the rendered messages"), ...problems(400, 401, 403, 404, 415, 422) },
});

export function registerRunSandbox(router: Router) {
  router.openapi(route, async (c) => {
    return c.json(unwrap(await runSandbox(c.get("deps"), c.get("principal"), c.req.valid("param").id, c.req.valid("query").environment, c.req.valid("json"))), 200);
  });
}
