import { createRoute } from "@hono/zod-openapi";
import { authenticate, requireAnyScope } from "../../access/authenticate-request";
import { EnvironmentQuery, jsonResponse, keySecurity, problems } from "../../http/openapi";
import type { Router } from "../../http/router";
import { unwrap } from "../../lib/result";
import { type DeploymentKind, getVellumRelease } from "../../releases/vellum-deployments";
import { VELLUM_COLLECTIONS } from "./vellum-collections";
import { ReleaseByIdOrTagParams, VellumReleaseSchema } from "./vellum-schemas";

export function registerGetVellumRelease(router: Router, kind: DeploymentKind) {
  const { base, tag } = VELLUM_COLLECTIONS[kind];
  const route = createRoute({
    method: "get",
    path: `${base}/{id}/releases/{release_id_or_release_tag}`,
    tags: [tag],
    summary: "Get a release by id or by tag",
    security: keySecurity,
    middleware: [authenticate, requireAnyScope("read")] as const,
    request: { params: ReleaseByIdOrTagParams, query: EnvironmentQuery },
    responses: { 200: jsonResponse(VellumReleaseSchema, "The release"), ...problems(400, 401, 403, 404) },
  });

  router.openapi(route, async (c) => {
    const { id, release_id_or_release_tag } = c.req.valid("param");
    return c.json(unwrap(await getVellumRelease(c.get("deps"), c.get("principal"), kind, id, release_id_or_release_tag, c.req.valid("query").environment)), 200);
  });
}
