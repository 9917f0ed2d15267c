import { createRoute } from "@hono/zod-openapi";
import { authenticate, requireAnyScope } from "../../access/authenticate-request";
import { jsonBody, jsonResponse, keySecurity, problems } from "../../http/openapi";
import type { Router } from "../../http/router";
import { idempotent } from "../../idempotency/middleware";
import { unwrap } from "../../lib/result";
import { createSandbox } from "../../testing/sandboxes";
import { CreateSandboxBody, SandboxSchema } from "./schemas";

const route = createRoute({
  method: "post",
  path: "/v1/sandboxes",
  tags: ["Sandboxes"],
  summary: "Create a sandbox",
  description:
    "A draft prompt or workflow with test scenarios, at revision 1. The spec is validated now: template syntax, unknown variables, and for workflows dangling edges, cycles and unreachable nodes are refused with 422.",
  security: keySecurity,
  middleware: [authenticate, requireAnyScope("deploy"), idempotent] as const,
  request: { body: jsonBody(CreateSandboxBody) },
  responses: { 201: jsonResponse(SandboxSchema, "The new sandbox"), ...problems(400, 401, 403, 409, 413, 415, 422) },
});

export function registerCreateSandbox(router: Router) {
  router.openapi(route, async (c) => {
    return c.json(unwrap(await createSandbox(c.get("deps"), c.get("principal"), c.req.valid("json"))), 201);
  });
}
