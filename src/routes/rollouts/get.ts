import { createRoute, z } from "@hono/zod-openapi";
import { authenticate, requireAnyScope } from "../../access/authenticate-request";
import { jsonResponse, keySecurity, problems } from "../../http/openapi";
import type { Router } from "../../http/router";
import { unwrap } from "../../lib/result";
import { getRolloutWithReport } from "../../rollouts/rollouts";
import { RolloutParams, RolloutSchema } from "./schemas";

const route = createRoute({
  method: "get",
  path: "/v1/rollouts/{id}",
  tags: ["Rollouts"],
  summary: "Get a rollout and its report",
  description:
    "The rollout, and `report`: per arm (stable, candidate) over the whole rollout, executions, error rate, latency percentiles, cost and quality, with the candidate's difference from the stable release and a 95% confidence interval where the data allows; for a shadow rollout, how the candidate's answers compare. Needs `read`.",
  security: keySecurity,
  middleware: [authenticate, requireAnyScope("read")] as const,
  request: { params: RolloutParams },
  responses: {
    200: jsonResponse(RolloutSchema.extend({ report: z.record(z.string(), z.unknown()) }).openapi("RolloutWithReport"), "The rollout and its report"),
    ...problems(400, 401, 403, 404),
  },
});

export function registerGetRollout(router: Router) {
  router.openapi(route, async (c) => c.json(unwrap(await getRolloutWithReport(c.get("deps"), c.get("principal"), c.req.valid("param").id)), 200));
}
