import { createRoute, z } from "@hono/zod-openapi";
import { authenticate, requireAnyScope } from "../../access/authenticate-request";
import { jsonResponse, keySecurity, PaginationQuery, pageOf, problems } from "../../http/openapi";
import type { Router } from "../../http/router";
import { idempotent } from "../../idempotency/middleware";
import { unwrap } from "../../lib/result";
import { cancelScheduledRelease, getScheduledRelease, listScheduled } from "../../rollouts/schedules";
import { ScheduledReleaseSchema } from "../releases/schemas";
import { ScheduledReleaseParams } from "./schemas";

const listRoute = createRoute({
  method: "get",
  path: "/v1/scheduled-releases",
  tags: ["Rollouts"],
  summary: "List scheduled releases",
  description: "Promotions and rollout starts scheduled with `scheduled_at`, into the environments the key may read, newest first. Needs `read`.",
  security: keySecurity,
  middleware: [authenticate, requireAnyScope("read")] as const,
  request: {
    query: PaginationQuery.extend({
      environment: z.string().min(1).max(64).optional(),
      deployment: z.string().min(1).max(100).optional().openapi({ description: "A deployment's id or name" }),
      status: z.enum(["scheduled", "executed", "refused", "cancelled"]).optional(),
    }),
  },
  responses: { 200: jsonResponse(pageOf(ScheduledReleaseSchema).openapi("ScheduledReleaseList"), "Scheduled releases, newest first"), ...problems(400, 401, 403, 404) },
});

export function registerListScheduledReleases(router: Router) {
  router.openapi(listRoute, async (c) => c.json(unwrap(await listScheduled(c.get("deps"), c.get("principal"), c.req.valid("query"))), 200));
}

const getRoute = createRoute({
  method: "get",
  path: "/v1/scheduled-releases/{id}",
  tags: ["Rollouts"],
  summary: "Get a scheduled release",
  description: "Once fired, `status` says whether it executed (and `result` what it made) or was refused by the policy at that time (and why). Needs `read`.",
  security: keySecurity,
  middleware: [authenticate, requireAnyScope("read")] as const,
  request: { params: ScheduledReleaseParams },
  responses: { 200: jsonResponse(ScheduledReleaseSchema, "The scheduled release"), ...problems(400, 401, 403, 404) },
});

export function registerGetScheduledRelease(router: Router) {
  router.openapi(getRoute, async (c) => c.json(unwrap(await getScheduledRelease(c.get("deps"), c.get("principal"), c.req.valid("param").id)), 200));
}

const cancelRoute = createRoute({
  method: "post",
  path: "/v1/scheduled-releases/{id}/cancel",
  tags: ["Rollouts"],
  summary: "Cancel a scheduled release",
  description: "Only one that has not fired. Needs `promote` in its environment. Accepts `Idempotency-Key`.",
  security: keySecurity,
  middleware: [authenticate, requireAnyScope("promote"), idempotent] as const,
  request: { params: ScheduledReleaseParams },
  responses: { 200: jsonResponse(ScheduledReleaseSchema, "The cancelled scheduled release"), ...problems(400, 401, 403, 404, 409) },
});

export function registerCancelScheduledRelease(router: Router) {
  router.openapi(cancelRoute, async (c) => c.json(unwrap(await cancelScheduledRelease(c.get("deps"), c.get("principal"), c.req.valid("param").id)), 200));
}
