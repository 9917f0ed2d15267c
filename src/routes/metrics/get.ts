import { createRoute } from "@hono/zod-openapi";
import { authenticate, requireAnyScope } from "../../access/authenticate-request";
import { jsonResponse, keySecurity, problems } from "../../http/openapi";
import type { Router } from "../../http/router";
import { unwrap } from "../../lib/result";
import { getMetrics } from "../../metrics/metrics";
import { MetricsQuery, MetricsSchema } from "./schemas";

const route = createRoute({
  method: "get",
  path: "/v1/metrics",
  tags: ["Executions"],
  summary: "Execution metrics",
  description:
    "This environment's executions, error rate, latency percentiles, tokens, cost and mean quality: overall, per time bucket and (with `group_by=release`) per release. " +
    "Computed from hourly rollups, so the range is widened to whole hours; executions arrive through a queue, usually within a second or two of the call.",
  security: keySecurity,
  middleware: [authenticate, requireAnyScope("read")] as const,
  request: { query: MetricsQuery },
  responses: { 200: jsonResponse(MetricsSchema, "The figures"), ...problems(400, 401, 403, 404) },
});

export function registerGetMetrics(router: Router) {
  router.openapi(route, async (c) => c.json(unwrap(await getMetrics(c.get("deps"), c.get("principal"), c.req.valid("query"))), 200));
}
