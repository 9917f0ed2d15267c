import { createRoute } from "@hono/zod-openapi";
import { authenticate, requireAnyScope } from "../../access/authenticate-request";
import { jsonBody, jsonResponse, keySecurity, problems } from "../../http/openapi";
import type { Router } from "../../http/router";
import { idempotent } from "../../idempotency/middleware";
import { unwrap } from "../../lib/result";
import { createTrustPolicy } from "../../oidc/trust-policies";
import { CreateTrustPolicyBody, TrustPolicySchema } from "./schemas";

const route = createRoute({
  method: "post",
  path: "/v1/oidc/trust-policies",
  tags: ["OIDC"],
  summary: "Create an OIDC trust policy",
  description:
    "Lets CI runs whose OIDC token comes from `issuer`, carries `audience` and matches every condition exchange it for a short-lived key with the policy's environment and scopes. Needs a workspace key with `admin`.",
  security: keySecurity,
  middleware: [authenticate, requireAnyScope("admin"), idempotent] as const,
  request: { body: jsonBody(CreateTrustPolicyBody) },
  responses: { 201: jsonResponse(TrustPolicySchema, "The new trust policy"), ...problems(400, 401, 403, 404, 413, 415, 422) },
});

export function registerCreateTrustPolicy(router: Router) {
  router.openapi(route, async (c) => {
    return c.json(unwrap(await createTrustPolicy(c.get("deps"), c.get("principal"), c.req.valid("json"))), 201);
  });
}
