import { createRoute } from "@hono/zod-openapi";
import { authenticate, requireAnyScope } from "../../access/authenticate-request";
import { parseIfMatch } from "../../http/if-match";
import { jsonBody, jsonResponse, keySecurity, problems } from "../../http/openapi";
import type { Router } from "../../http/router";
import { idempotent } from "../../idempotency/middleware";
import { unwrap } from "../../lib/result";
import { promoteRelease } from "../../releases/promote";
import { IfMatchHeader, PromoteBody, PromotionResultsSchema, ReleaseParams } from "./schemas";

const route = createRoute({
  method: "post",
  path: "/v1/releases/{id}/promote",
  tags: ["Releases"],
  summary: "Promote a release into other environments",
  description:
    "Creates a new release with the same content in each target (source `promotion`), or a pending promotion request where the target requires approvals. Needs `read` on the release and `promote` in every target. 201 when every target was released, 202 when any waits. `If-Match` names the release each target serves now. Accepts `Idempotency-Key`.",
  security: keySecurity,
  middleware: [authenticate, requireAnyScope("promote"), idempotent] as const,
  request: { params: ReleaseParams, headers: IfMatchHeader, body: jsonBody(PromoteBody) },
  responses: {
    201: jsonResponse(PromotionResultsSchema, "Released into every target"),
    202: jsonResponse(PromotionResultsSchema, "At least one target waits for approval"),
    ...problems(400, 401, 403, 404, 409, 412, 413, 415),
  },
});

export function registerPromoteRelease(router: Router) {
  router.openapi(route, async (c) => {
    const { results, pending } = unwrap(
      await promoteRelease(c.get("deps"), c.get("principal"), c.req.valid("param").id, c.req.valid("json"), parseIfMatch(c.req.header("if-match"))),
    );
    return c.json({ results }, pending ? 202 : 201);
  });
}
