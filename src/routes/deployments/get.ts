import { createRoute } from "@hono/zod-openapi";
import { authenticate, requireAnyScope } from "../../access/authenticate-request";
import { EnvironmentQuery, jsonResponse, keySecurity, problems } from "../../http/openapi";
import type { Router } from "../../http/router";
import { unwrap } from "../../lib/result";
import { type DeploymentKind, getVellumDeployment } from "../../releases/vellum-deployments";
import { DeploymentParams } from "./schemas";
import { VELLUM_COLLECTIONS } from "./vellum-collections";
import { VellumDeploymentSchema } from "./vellum-schemas";

export function registerGetVellumDeployment(router: Router, kind: DeploymentKind) {
  const { base, tag, noun } = VELLUM_COLLECTIONS[kind];
  const route = createRoute({
    method: "get",
    path: `${base}/{id}`,
    tags: [tag],
    summary: `Get a ${noun} by id or name`,
    description: "With each visible environment's live release in `environments`.",
    security: keySecurity,
    middleware: [authenticate, requireAnyScope("read")] as const,
    request: { params: DeploymentParams, query: EnvironmentQuery },
    responses: { 200: jsonResponse(VellumDeploymentSchema, "The deployment"), ...problems(400, 401, 403, 404) },
  });

  router.openapi(route, async (c) => {
    return c.json(unwrap(await getVellumDeployment(c.get("deps"), c.get("principal"), kind, c.req.valid("param").id, c.req.valid("query").environment)), 200);
  });
}
