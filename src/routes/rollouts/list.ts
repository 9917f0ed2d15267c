import { createRoute, z } from "@hono/zod-openapi";
import { authenticate, requireAnyScope } from "../../access/authenticate-request";
import { jsonResponse, keySecurity, PaginationQuery, pageOf, problems } from "../../http/openapi";
import type { Router } from "../../http/router";
import { unwrap } from "../../lib/result";
import { listDeploymentRollouts } from "../../rollouts/rollouts";
import { DeploymentParams } from "../deployments/schemas";
import { RolloutSchema } from "./schemas";

const route = createRoute({
  method: "get",
  path: "/v1/deployments/{id}/rollouts",
  tags: ["Rollouts"],
  summary: "List a deployment's rollouts",
  description: "The deployment's rollouts in the environments the key may read (or the one `environment` names), newest first. Needs `read`.",
  security: keySecurity,
  middleware: [authenticate, requireAnyScope("read")] as const,
  request: {
    params: DeploymentParams,
    query: PaginationQuery.extend({
      environment: z.string().min(1).max(64).optional().openapi({ description: "Only this environment's rollouts" }),
    }),
  },
  responses: { 200: jsonResponse(pageOf(RolloutSchema).openapi("RolloutList"), "Rollouts, newest first"), ...problems(400, 401, 403, 404) },
});

export function registerListRollouts(router: Router) {
  router.openapi(route, async (c) => {
    return c.json(unwrap(await listDeploymentRollouts(c.get("deps"), c.get("principal"), c.req.valid("param").id, c.req.valid("query"))), 200);
  });
}
