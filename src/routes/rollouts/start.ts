import { createRoute } from "@hono/zod-openapi";
import { authenticate, requireAnyScope } from "../../access/authenticate-request";
import { EnvironmentQuery, jsonBody, jsonResponse, keySecurity, problems } from "../../http/openapi";
import type { Router } from "../../http/router";
import { idempotent } from "../../idempotency/middleware";
import { unwrap } from "../../lib/result";
import { startRollout } from "../../rollouts/rollouts";
import { DeploymentParams } from "../deployments/schemas";
import { StartRolloutBody, StartRolloutResultSchema } from "./schemas";

const route = createRoute({
  method: "post",
  path: "/v1/deployments/{id}/rollouts",
  tags: ["Rollouts"],
  summary: "Start a rollout in one environment",
  description:
    "Rolls a candidate release out against the release live in the environment: a canary that steps up by percentage under a guard that rolls back by itself, an A/B test with a fixed split, or a shadow that runs the candidate on a share of requests after the answer. The candidate becomes a new release of the environment; until the rollout ends, its LATEST pointer splits traffic by subject. Needs `read` on the release and `promote` in the environment; its approvals, freeze windows and test gate apply. 201 when started, 202 when it waits for approvals or is scheduled. One rollout per deployment and environment at a time. Accepts `Idempotency-Key`.",
  security: keySecurity,
  middleware: [authenticate, requireAnyScope("promote"), idempotent] as const,
  request: { params: DeploymentParams, query: EnvironmentQuery, body: jsonBody(StartRolloutBody) },
  responses: {
    201: jsonResponse(StartRolloutResultSchema, "The rollout, started"),
    202: jsonResponse(StartRolloutResultSchema, "Waiting for approvals (a promotion request) or scheduled"),
    ...problems(400, 401, 403, 404, 409, 413, 415),
  },
});

export function registerStartRollout(router: Router) {
  router.openapi(route, async (c) => {
    const result = unwrap(await startRollout(c.get("deps"), c.get("principal"), c.req.valid("param").id, c.req.valid("query").environment, c.req.valid("json")));
    return c.json(result, result.status === "started" ? 201 : 202);
  });
}
