import { createRoute } from "@hono/zod-openapi";
import { unwrap } from "../../lib/result";
import { authenticate, requireAnyScope } from "../../middleware/authenticate";
import { getRelease } from "../../services/releases-read";
import { jsonResponse, keySecurity, problems } from "../openapi-helpers";
import type { Router } from "../router";
import { ReleaseParams, ReleaseSchema } from "./schemas";

const route = createRoute({
  method: "get",
  path: "/v1/releases/{id}",
  tags: ["Releases"],
  summary: "Get a release, with its spec",
  security: keySecurity,
  middleware: [authenticate, requireAnyScope("read")] as const,
  request: { params: ReleaseParams },
  responses: { 200: jsonResponse(ReleaseSchema, "The release"), ...problems(400, 401, 403, 404) },
});

export function registerGetRelease(router: Router) {
  router.openapi(route, async (c) => {
    return c.json(unwrap(await getRelease(c.get("deps"), c.get("principal"), c.req.valid("param").id)), 200);
  });
}
