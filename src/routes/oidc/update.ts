import { createRoute } from "@hono/zod-openapi";
import { authenticate, requireAnyScope } from "../../access/authenticate-request";
import { jsonBody, jsonResponse, keySecurity, problems } from "../../http/openapi";
import type { Router } from "../../http/router";
import { idempotent } from "../../idempotency/middleware";
import { unwrap } from "../../lib/result";
import { changeTrustPolicy } from "../../oidc/trust-policies";
import { TrustPolicyParams, TrustPolicySchema, UpdateTrustPolicyBody } from "./schemas";

const route = createRoute({
  method: "patch",
  path: "/v1/oidc/trust-policies/{id}",
  tags: ["OIDC"],
  summary: "Change an OIDC trust policy",
  description: "Applies to the next exchange; keys already issued keep what they were given until they expire.",
  security: keySecurity,
  middleware: [authenticate, requireAnyScope("admin"), idempotent] as const,
  request: { params: TrustPolicyParams, body: jsonBody(UpdateTrustPolicyBody) },
  responses: { 200: jsonResponse(TrustPolicySchema, "The changed trust policy"), ...problems(400, 401, 403, 404, 413, 415, 422) },
});

export function registerUpdateTrustPolicy(router: Router) {
  router.openapi(route, async (c) => {
    return c.json(unwrap(await changeTrustPolicy(c.get("deps"), c.get("principal"), c.req.valid("param").id, c.req.valid("json"))), 200);
  });
}
