import { createRoute } from "@hono/zod-openapi";
import { authenticate, requireAnyScope } from "../../access/authenticate-request";
import { jsonResponse, keySecurity, problems } from "../../http/openapi";
import type { Router } from "../../http/router";
import { unwrap } from "../../lib/result";
import { removeTrustPolicy } from "../../oidc/trust-policies";
import { TrustPolicyParams, TrustPolicySchema } from "./schemas";

const route = createRoute({
  method: "delete",
  path: "/v1/oidc/trust-policies/{id}",
  tags: ["OIDC"],
  summary: "Delete an OIDC trust policy",
  description: "No token matches it from now on; keys already issued under it live out their short lifetime (revoke them to stop them sooner).",
  security: keySecurity,
  middleware: [authenticate, requireAnyScope("admin")] as const,
  request: { params: TrustPolicyParams },
  responses: { 200: jsonResponse(TrustPolicySchema, "The deleted trust policy"), ...problems(400, 401, 403, 404) },
});

export function registerDeleteTrustPolicy(router: Router) {
  router.openapi(route, async (c) => {
    return c.json(unwrap(await removeTrustPolicy(c.get("deps"), c.get("principal"), c.req.valid("param").id)), 200);
  });
}
