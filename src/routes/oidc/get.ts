import { createRoute } from "@hono/zod-openapi";
import { authenticate, requireAnyScope } from "../../access/authenticate-request";
import { jsonResponse, keySecurity, problems } from "../../http/openapi";
import type { Router } from "../../http/router";
import { unwrap } from "../../lib/result";
import { getTrustPolicy } from "../../oidc/trust-policies";
import { TrustPolicyParams, TrustPolicySchema } from "./schemas";

const route = createRoute({
  method: "get",
  path: "/v1/oidc/trust-policies/{id}",
  tags: ["OIDC"],
  summary: "Get an OIDC trust policy",
  security: keySecurity,
  middleware: [authenticate, requireAnyScope("admin")] as const,
  request: { params: TrustPolicyParams },
  responses: { 200: jsonResponse(TrustPolicySchema, "The trust policy"), ...problems(400, 401, 403, 404) },
});

export function registerGetTrustPolicy(router: Router) {
  router.openapi(route, async (c) => {
    return c.json(unwrap(await getTrustPolicy(c.get("deps"), c.get("principal"), c.req.valid("param").id)), 200);
  });
}
