import { createRoute, z } from "@hono/zod-openapi";
import { authenticate, requireAnyScope } from "../../access/authenticate-request";
import { EnvironmentQuery, jsonResponse, keySecurity, problems } from "../../http/openapi";
import type { Router } from "../../http/router";
import { unwrap } from "../../lib/result";
import { type DeploymentKind, listVellumReleaseTags } from "../../releases/vellum-deployments";
import { DeploymentParams, OffsetPaginationQuery, offsetPageOf, pageUrlFor } from "./schemas";
import { VELLUM_COLLECTIONS } from "./vellum-collections";
import { VellumReleaseTagSchema } from "./vellum-schemas";

const TagSourceQuery = z.object({ source: z.enum(["SYSTEM", "USER"]).optional() });

export function registerListVellumReleaseTags(router: Router, kind: DeploymentKind) {
  const { base, tag } = VELLUM_COLLECTIONS[kind];
  const route = createRoute({
    method: "get",
    path: `${base}/{id}/release-tags`,
    tags: [tag],
    summary: "List release tags",
    security: keySecurity,
    middleware: [authenticate, requireAnyScope("read")] as const,
    request: { params: DeploymentParams, query: OffsetPaginationQuery.merge(EnvironmentQuery).merge(TagSourceQuery) },
    responses: { 200: jsonResponse(offsetPageOf(VellumReleaseTagSchema), "The environment's tags"), ...problems(400, 401, 403, 404) },
  });

  router.openapi(route, async (c) => {
    return c.json(unwrap(await listVellumReleaseTags(c.get("deps"), c.get("principal"), kind, c.req.valid("param").id, c.req.valid("query"), pageUrlFor(c.req.url))), 200);
  });
}
