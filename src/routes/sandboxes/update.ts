import { createRoute } from "@hono/zod-openapi";
import { authenticate, requireAnyScope } from "../../access/authenticate-request";
import { expectedRevision } from "../../http/if-match";
import { jsonBody, jsonResponse, keySecurity, problems } from "../../http/openapi";
import type { Router } from "../../http/router";
import { idempotent } from "../../idempotency/middleware";
import { unwrap } from "../../lib/result";
import { updateSandbox } from "../../testing/sandboxes";
import { SandboxParams, SandboxSchema, UpdateSandboxBody } from "./schemas";

const route = createRoute({
  method: "patch",
  path: "/v1/sandboxes/{id}",
  tags: ["Sandboxes"],
  summary: "Save a new revision of a sandbox",
  description:
    'Send `If-Match: "<revision>"` to refuse the save (412 `STALE_REVISION`) if someone saved since you read it. A save that changes nothing makes no revision: it answers with the current one. `scenarios: null` clears the scenarios; `name` and `spec` cannot be cleared.',
  security: keySecurity,
  middleware: [authenticate, requireAnyScope("deploy"), idempotent] as const,
  request: { params: SandboxParams, body: jsonBody(UpdateSandboxBody) },
  responses: {
    200: jsonResponse(SandboxSchema, "The sandbox at its new revision, or at its current one when nothing changed"),
    ...problems(400, 401, 403, 404, 409, 412, 413, 415, 422),
  },
});

export function registerUpdateSandbox(router: Router) {
  router.openapi(route, async (c) => {
    const revision = expectedRevision(c.req.header("if-match"), "sandbox");
    const sandbox = unwrap(await updateSandbox(c.get("deps"), c.get("principal"), c.req.valid("param").id, c.req.valid("json"), revision));
    c.header("ETag", `"${sandbox.revision}"`);
    return c.json(sandbox, 200);
  });
}
