import { createRoute, z } from "@hono/zod-openapi";
import { authenticate, requireAnyScope } from "../../access/authenticate-request";
import { jsonBody, jsonResponse, keySecurity, problems, Timestamp } from "../../http/openapi";
import type { Router } from "../../http/router";
import { idempotent } from "../../idempotency/middleware";
import { unwrap } from "../../lib/result";
import { deploySandbox } from "../../releases/deploy";
import { ReleaseSchema } from "../releases/schemas";
import { DeployBody, SandboxParams } from "./schemas";

const DeployedSchema = z
  .object({
    deployment: z.object({ id: z.string(), name: z.string(), kind: z.enum(["prompt", "workflow"]), sandbox_id: z.string(), created_at: Timestamp }),
    releases: z.array(ReleaseSchema),
  })
  .openapi("Deployed");

const route = createRoute({
  method: "post",
  path: "/v1/sandboxes/{id}/deploy",
  tags: ["Sandboxes"],
  summary: "Deploy a sandbox to one or more environments",
  description:
    "Creates the deployment on first use and one release in each environment: all or none. Needs `deploy` in every target. Protected environments take releases only by promotion. Accepts `Idempotency-Key`.",
  security: keySecurity,
  middleware: [authenticate, requireAnyScope("deploy"), idempotent] as const,
  request: { params: SandboxParams, body: jsonBody(DeployBody) },
  responses: { 201: jsonResponse(DeployedSchema, "The deployment and its new releases"), ...problems(400, 401, 403, 404, 409, 413, 415, 422) },
});

export function registerDeploySandbox(router: Router) {
  router.openapi(route, async (c) => {
    return c.json(unwrap(await deploySandbox(c.get("deps"), c.get("principal"), c.req.valid("param").id, c.req.valid("json"))), 201);
  });
}
