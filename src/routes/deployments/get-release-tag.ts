import { createRoute } from "@hono/zod-openapi";
import { authenticate, requireAnyScope } from "../../access/authenticate-request";
import { EnvironmentQuery, jsonResponse, keySecurity, problems } from "../../http/openapi";
import type { Router } from "../../http/router";
import { unwrap } from "../../lib/result";
import { type DeploymentKind, getVellumReleaseTag } from "../../releases/vellum-deployments";
import { VELLUM_COLLECTIONS } from "./vellum-collections";
import { ReleaseTagParams, VellumReleaseTagSchema } from "./vellum-schemas";

export function registerGetVellumReleaseTag(router: Router, kind: DeploymentKind) {
  const { base, tag } = VELLUM_COLLECTIONS[kind];
  const route = createRoute({
    method: "get",
    path: `${base}/{id}/release-tags/{name}`,
    tags: [tag],
    summary: "Get a release tag",
    security: keySecurity,
    middleware: [authenticate, requireAnyScope("read")] as const,
    request: { params: ReleaseTagParams, query: EnvironmentQuery },
    responses: { 200: jsonResponse(VellumReleaseTagSchema, "The tag and the release it names"), ...problems(400, 401, 403, 404) },
  });

  router.openapi(route, async (c) => {
    const { id, name } = c.req.valid("param");
    const found = unwrap(await getVellumReleaseTag(c.get("deps"), c.get("principal"), kind, id, name, c.req.valid("query").environment));
    c.header("ETag", `"${found.release.id}"`);
    return c.json(found, 200);
  });
}
