import { createRoute } from "@hono/zod-openapi";
import { authenticate, requireAnyScope } from "../../access/authenticate-request";
import { EnvironmentQuery, jsonResponse, keySecurity, PaginationQuery, pageOf, problems } from "../../http/openapi";
import type { Router } from "../../http/router";
import { unwrap } from "../../lib/result";
import { deploymentHistory } from "../../releases/read-releases";
import { ReleaseSchema } from "../releases/schemas";
import { DeploymentParams } from "./schemas";

const route = createRoute({
  method: "get",
  path: "/v1/deployments/{id}/releases",
  tags: ["Deployments"],
  summary: "A deployment's release history in one environment",
  description: "Newest first. Works for prompt and workflow deployments alike.",
  security: keySecurity,
  middleware: [authenticate, requireAnyScope("read")] as const,
  request: { params: DeploymentParams, query: PaginationQuery.merge(EnvironmentQuery) },
  responses: { 200: jsonResponse(pageOf(ReleaseSchema), "A page of releases"), ...problems(400, 401, 403, 404) },
});

export function registerDeploymentHistory(router: Router) {
  router.openapi(route, async (c) => {
    return c.json(unwrap(await deploymentHistory(c.get("deps"), c.get("principal"), c.req.valid("param").id, c.req.valid("query"))), 200);
  });
}
