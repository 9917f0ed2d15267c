import { createRoute, z } from "@hono/zod-openapi";
import { authenticate, requireAnyScope } from "../../access/authenticate-request";
import { jsonResponse, keySecurity, problems } from "../../http/openapi";
import type { Router } from "../../http/router";
import { unwrap } from "../../lib/result";
import { compareReleases } from "../../releases/read-releases";
import { ReleaseParams, ReleaseSchema } from "./schemas";

const ComparisonSchema = z
  .object({
    from: ReleaseSchema,
    to: ReleaseSchema,
    identical: z.boolean().openapi({ description: "Same content hash" }),
    changes: z.record(z.string(), z.unknown()).openapi({
      description:
        "Prompts: `model`, `parameters`, `fallback_models` (by position), `input_variables`, `blocks`; workflows: `input_variables`, `nodes`, `edges`. Each entry says added, removed or changed, with the values.",
    }),
    diff: z.string().openapi({ description: "Unified diff of the templates (of the nodes, for workflows)" }),
  })
  .openapi("ReleaseComparison");

const route = createRoute({
  method: "get",
  path: "/v1/releases/{id}/compare",
  tags: ["Releases"],
  summary: "Compare two releases",
  security: keySecurity,
  middleware: [authenticate, requireAnyScope("read")] as const,
  request: { params: ReleaseParams, query: z.object({ to: z.string().min(1).max(64) }) },
  responses: { 200: jsonResponse(ComparisonSchema, "What changed from this release to `to`"), ...problems(400, 401, 403, 404) },
});

export function registerCompareReleases(router: Router) {
  router.openapi(route, async (c) => {
    return c.json(unwrap(await compareReleases(c.get("deps"), c.get("principal"), c.req.valid("param").id, c.req.valid("query").to)), 200);
  });
}
