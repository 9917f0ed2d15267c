import { createRoute } from "@hono/zod-openapi";
import { authenticate, requireAnyScope } from "../../access/authenticate-request";
import { parseIfMatch } from "../../http/if-match";
import { EnvironmentQuery, jsonBody, jsonResponse, keySecurity, problems } from "../../http/openapi";
import type { Router } from "../../http/router";
import { idempotent } from "../../idempotency/middleware";
import { unwrap } from "../../lib/result";
import { type DeploymentKind, moveVellumReleaseTag } from "../../releases/vellum-deployments";
import { TagIfMatchHeader } from "../releases/schemas";
import { VELLUM_COLLECTIONS } from "./vellum-collections";
import { MoveTagBody, ReleaseTagParams, VellumReleaseTagSchema } from "./vellum-schemas";

export function registerMoveVellumReleaseTag(router: Router, kind: DeploymentKind) {
  const { base, tag } = VELLUM_COLLECTIONS[kind];
  const route = createRoute({
    method: "patch",
    path: `${base}/{id}/release-tags/{name}`,
    tags: [tag],
    summary: "Move a release tag",
    description:
      "`history_item_id` names the release (of this environment) the tag should point at. Needs `promote`. LATEST cannot be moved; semantic version tags are write-once. `If-Match` names the release the tag points at now. Accepts `Idempotency-Key`.",
    security: keySecurity,
    middleware: [authenticate, requireAnyScope("read"), idempotent] as const,
    request: { params: ReleaseTagParams, query: EnvironmentQuery, headers: TagIfMatchHeader, body: jsonBody(MoveTagBody) },
    responses: { 200: jsonResponse(VellumReleaseTagSchema, "The tag after the move"), ...problems(400, 401, 403, 404, 409, 412, 415) },
  });

  router.openapi(route, async (c) => {
    const { id, name } = c.req.valid("param");
    const moved = unwrap(
      await moveVellumReleaseTag(c.get("deps"), c.get("principal"), kind, id, name, {
        environment: c.req.valid("query").environment,
        releaseId: c.req.valid("json").history_item_id ?? undefined,
        ifMatch: parseIfMatch(c.req.header("if-match")),
      }),
    );
    c.header("ETag", `"${moved.release.id}"`);
    return c.json(moved, 200);
  });
}
