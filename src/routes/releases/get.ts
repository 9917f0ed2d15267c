import { createRoute } from "@hono/zod-openapi";
import { authenticate, requireAnyScope } from "../../access/authenticate-request";
import { jsonResponse, keySecurity, problems } from "../../http/openapi";
import type { Router } from "../../http/router";
import { unwrap } from "../../lib/result";
import { getRelease } from "../../releases/read-releases";
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
