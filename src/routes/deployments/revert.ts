import { createRoute, z } from "@hono/zod-openapi";
import { authenticate, requireAnyScope } from "../../access/authenticate-request";
import { parseIfMatch } from "../../http/if-match";
import { EnvironmentQuery, jsonResponse, keySecurity, optionalJsonBody, problems } from "../../http/openapi";
import type { Router } from "../../http/router";
import { idempotent } from "../../idempotency/middleware";
import { unwrap } from "../../lib/result";
import { revertDeployment } from "../../releases/revert";
import { IfMatchHeader, ReleaseSchema } from "../releases/schemas";
import { DeploymentParams, RevertBody } from "./schemas";

const route = createRoute({
  method: "post",
  path: "/v1/deployments/{id}/revert",
  tags: ["Deployments"],
  summary: "Revert a deployment in one environment",
  description:
    "Creates a new release (source `revert`) with the content of `release_id`, by default of the release live before the current one; LATEST moves to it. Needs `promote`. Effective for the next invoke in this location. `If-Match` names the release live now. Accepts `Idempotency-Key`.",
  security: keySecurity,
  middleware: [authenticate, requireAnyScope("promote"), idempotent] as const,
  request: { params: DeploymentParams, query: EnvironmentQuery, headers: IfMatchHeader, body: optionalJsonBody(RevertBody) },
  responses: { 201: jsonResponse(z.object({ release: ReleaseSchema }).openapi("Reverted"), "The new live release"), ...problems(400, 401, 403, 404, 409, 412, 415) },
});

export function registerRevertDeployment(router: Router) {
  router.openapi(route, async (c) => {
    const release = unwrap(
      await revertDeployment(
        c.get("deps"),
        c.get("principal"),
        c.req.valid("param").id,
        c.req.valid("query").environment,
        c.req.valid("json").release_id,
        parseIfMatch(c.req.header("if-match")),
        c.req.valid("json").abort_rollout ?? false,
      ),
    );
    c.header("ETag", `"${release.id}"`);
    return c.json({ release }, 201);
  });
}
