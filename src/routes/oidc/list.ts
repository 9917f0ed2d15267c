import { createRoute } from "@hono/zod-openapi";
import { authenticate, requireAnyScope } from "../../access/authenticate-request";
import { jsonResponse, keySecurity, PaginationQuery, pageOf, problems } from "../../http/openapi";
import type { Router } from "../../http/router";
import { unwrap } from "../../lib/result";
import { listTrustPoliciesFor } from "../../oidc/trust-policies";
import { TrustPolicySchema } from "./schemas";

const route = createRoute({
  method: "get",
  path: "/v1/oidc/trust-policies",
  tags: ["OIDC"],
  summary: "List OIDC trust policies",
  description: "Oldest first. Needs a workspace key with `admin`.",
  security: keySecurity,
  middleware: [authenticate, requireAnyScope("admin")] as const,
  request: { query: PaginationQuery },
  responses: { 200: jsonResponse(pageOf(TrustPolicySchema), "A page of trust policies"), ...problems(400, 401, 403) },
});

export function registerListTrustPolicies(router: Router) {
  router.openapi(route, async (c) => {
    return c.json(unwrap(await listTrustPoliciesFor(c.get("deps"), c.get("principal"), c.req.valid("query"))), 200);
  });
}
