import { createRoute, z } from "@hono/zod-openapi";
import { authenticate, requireAnyScope } from "../../access/authenticate-request";
import { jsonResponse, keySecurity, problems } from "../../http/openapi";
import type { Router } from "../../http/router";
import { unwrap } from "../../lib/result";
import { getSandbox } from "../../testing/sandboxes";
import { SandboxParams, SandboxSchema } from "./schemas";

const route = createRoute({
  method: "get",
  path: "/v1/sandboxes/{id}",
  tags: ["Sandboxes"],
  summary: "Get a sandbox",
  description: "The latest revision, or an earlier one with `?revision=`. The `ETag` is the revision, for `If-Match` on PATCH.",
  security: keySecurity,
  middleware: [authenticate, requireAnyScope("read")] as const,
  request: { params: SandboxParams, query: z.object({ revision: z.coerce.number().int().min(1).optional() }) },
  responses: { 200: jsonResponse(SandboxSchema, "The sandbox"), ...problems(400, 401, 403, 404) },
});

export function registerGetSandbox(router: Router) {
  router.openapi(route, async (c) => {
    const sandbox = unwrap(await getSandbox(c.get("deps"), c.get("principal"), c.req.valid("param").id, c.req.valid("query").revision));
    c.header("ETag", `"${sandbox.revision}"`);
    return c.json(sandbox, 200);
  });
}
