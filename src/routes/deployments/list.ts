import { createRoute, z } from "@hono/zod-openapi";
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
    request: {
      query: OffsetPaginationQuery.merge(EnvironmentQuery).extend({
        status: z.enum(["ACTIVE", "ARCHIVED"]).optional().openapi({ description: "Vellum's filter; every Stagecraft deployment is ACTIVE, so ARCHIVED lists none" }),
      }),
    },
    responses: { 200: jsonResponse(offsetPageOf(VellumDeploymentSchema), "A page, newest first"), ...problems(400, 401, 403, 404) },
  });

  router.openapi(route, async (c) => {
    const { status, ...query } = c.req.valid("query");
    if (status === "ARCHIVED") return c.json({ count: 0, next: null, previous: null, results: [] }, 200);
    return c.json(unwrap(await listVellumDeployments(c.get("deps"), c.get("principal"), kind, query, pageUrlFor(c.req.url))), 200);
  });
}
