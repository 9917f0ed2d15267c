import { createRoute, z } from "@hono/zod-openapi";
import { unwrap } from "../../lib/result";
import { authenticate, requireAnyScope } from "../../access/authenticate-request";
import { idempotent } from "../../idempotency/middleware";
import { parseIfMatch } from "../../http/if-match";
import {
  type DeploymentKind,
  getVellumDeployment,
  getVellumRelease,
  getVellumReleaseTag,
  listVellumDeployments,
  listVellumReleaseTags,
  moveVellumReleaseTag,
} from "../../releases/vellum-deployments";
import { EnvironmentQuery, jsonBody, jsonResponse, keySecurity, problems } from "../../http/openapi";
import { IfMatchHeader } from "../releases/schemas";
import type { Router } from "../../http/router";
import { DeploymentParams, OffsetPaginationQuery, offsetPageOf, pageUrlFor } from "./schemas";
import { MoveTagBody, ReleaseByIdOrTagParams, ReleaseTagParams, VellumDeploymentSchema, VellumReleaseSchema, VellumReleaseTagSchema } from "./vellum-schemas";

const COLLECTIONS: Record<DeploymentKind, { base: string; tag: string; noun: string }> = {
  prompt: { base: "/v1/deployments", tag: "Deployments (Vellum-compatible)", noun: "prompt deployment" },
  workflow: { base: "/v1/workflow-deployments", tag: "Workflow deployments (Vellum-compatible)", noun: "workflow deployment" },
};

const TagSourceQuery = z.object({ source: z.enum(["SYSTEM", "USER"]).optional() });

/**
 * Vellum's deployment reads and tag moves, as its SDK calls them, for one
 * kind of deployment. The routes act in the key's environment.
 */
export function registerVellumDeploymentRoutes(router: Router, kind: DeploymentKind) {
  const { base, tag, noun } = COLLECTIONS[kind];
  const common = { tags: [tag], security: keySecurity };
  const read = [authenticate, requireAnyScope("read")];

  router.openapi(
    createRoute({
      ...common,
      method: "get",
      path: base,
      summary: `List ${noun}s`,
      description: "Those live in the key's environment (a workspace key: in `?environment=`, or in any).",
      middleware: read,
      request: { query: OffsetPaginationQuery.merge(EnvironmentQuery) },
      responses: { 200: jsonResponse(offsetPageOf(VellumDeploymentSchema), "A page, newest first"), ...problems(400, 401, 403, 404) },
    }),
    async (c) => c.json(unwrap(await listVellumDeployments(c.get("deps"), c.get("principal"), kind, c.req.valid("query"), pageUrlFor(c.req.url))), 200),
  );

  router.openapi(
    createRoute({
      ...common,
      method: "get",
      path: `${base}/{id}`,
      summary: `Get a ${noun} by id or name`,
      description: "With each visible environment's live release in `environments`.",
      middleware: read,
      request: { params: DeploymentParams, query: EnvironmentQuery },
      responses: { 200: jsonResponse(VellumDeploymentSchema, "The deployment"), ...problems(400, 401, 403, 404) },
    }),
    async (c) => c.json(unwrap(await getVellumDeployment(c.get("deps"), c.get("principal"), kind, c.req.valid("param").id, c.req.valid("query").environment)), 200),
  );

  router.openapi(
    createRoute({
      ...common,
      method: "get",
      path: `${base}/{id}/release-tags`,
      summary: "List release tags",
      middleware: read,
      request: { params: DeploymentParams, query: OffsetPaginationQuery.merge(EnvironmentQuery).merge(TagSourceQuery) },
      responses: { 200: jsonResponse(offsetPageOf(VellumReleaseTagSchema), "The environment's tags"), ...problems(400, 401, 403, 404) },
    }),
    async (c) =>
      c.json(unwrap(await listVellumReleaseTags(c.get("deps"), c.get("principal"), kind, c.req.valid("param").id, c.req.valid("query"), pageUrlFor(c.req.url))), 200),
  );

  router.openapi(
    createRoute({
      ...common,
      method: "get",
      path: `${base}/{id}/release-tags/{name}`,
      summary: "Get a release tag",
      middleware: read,
      request: { params: ReleaseTagParams, query: EnvironmentQuery },
      responses: { 200: jsonResponse(VellumReleaseTagSchema, "The tag and the release it names"), ...problems(400, 401, 403, 404) },
    }),
    async (c) => {
      const { id, name } = c.req.valid("param");
      const found = unwrap(await getVellumReleaseTag(c.get("deps"), c.get("principal"), kind, id, name, c.req.valid("query").environment));
      c.header("ETag", `"${found.release.id}"`);
      return c.json(found, 200);
    },
  );

  router.openapi(
    createRoute({
      ...common,
      method: "patch",
      path: `${base}/{id}/release-tags/{name}`,
      summary: "Move a release tag",
      description:
        "`history_item_id` names the release (of this environment) the tag should point at. Needs `promote`. LATEST cannot be moved; semantic version tags are write-once. `If-Match` names the release the tag points at now. Accepts `Idempotency-Key`.",
      middleware: [authenticate, requireAnyScope("read"), idempotent] as const,
      request: { params: ReleaseTagParams, query: EnvironmentQuery, headers: IfMatchHeader, body: jsonBody(MoveTagBody) },
      responses: { 200: jsonResponse(VellumReleaseTagSchema, "The tag after the move"), ...problems(400, 401, 403, 404, 409, 412, 415) },
    }),
    async (c) => {
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
    },
  );

  router.openapi(
    createRoute({
      ...common,
      method: "get",
      path: `${base}/{id}/releases/{release_id_or_release_tag}`,
      summary: "Get a release by id or by tag",
      middleware: read,
      request: { params: ReleaseByIdOrTagParams, query: EnvironmentQuery },
      responses: { 200: jsonResponse(VellumReleaseSchema, "The release"), ...problems(400, 401, 403, 404) },
    }),
    async (c) => {
      const { id, release_id_or_release_tag } = c.req.valid("param");
      return c.json(unwrap(await getVellumRelease(c.get("deps"), c.get("principal"), kind, id, release_id_or_release_tag, c.req.valid("query").environment)), 200);
    },
  );
}
