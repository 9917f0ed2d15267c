import { createRoute } from "@hono/zod-openapi";
import { authenticate, requireAnyScope } from "../../access/authenticate-request";
import { EnvironmentQuery, jsonResponse, keySecurity, problems } from "../../http/openapi";
import type { Router } from "../../http/router";
import { unwrap } from "../../lib/result";
import { type DeploymentKind, listVellumDeployments } from "../../releases/vellum-deployments";
import { OffsetPaginationQuery, offsetPageOf, pageUrlFor } from "./schemas";
import { VELLUM_COLLECTIONS } from "./vellum-collections";
import { VellumDeploymentSchema } from "./vellum-schemas";

export function registerListVellumDeployments(router: Router, kind: DeploymentKind) {
  const { base, tag, noun } = VELLUM_COLLECTIONS[kind];
  const route = createRoute({
    method: "get",
    path: base,
    tags: [tag],
    summary: `List ${noun}s`,
    description: "Those live in the key's environment (a workspace key: in `?environment=`, or in any).",
    security: keySecurity,
    middleware: [authenticate, requireAnyScope("read")] as const,
    request: { query: OffsetPaginationQuery.merge(EnvironmentQuery) },
    responses: { 200: jsonResponse(offsetPageOf(VellumDeploymentSchema), "A page, newest first"), ...problems(400, 401, 403, 404) },
  });

  router.openapi(route, async (c) => {
    return c.json(unwrap(await listVellumDeployments(c.get("deps"), c.get("principal"), kind, c.req.valid("query"), pageUrlFor(c.req.url))), 200);
  });
}
