import { createRoute } from "@hono/zod-openapi";
import { jsonBody, jsonResponse, problems } from "../../http/openapi";
import type { Router } from "../../http/router";
import { unwrap } from "../../lib/result";
import { exchangeOidcToken } from "../../oidc/exchange";
import { TokenExchangeBody, TokenExchangeResultSchema } from "./schemas";

const route = createRoute({
  method: "post",
  path: "/v1/oidc/token",
  tags: ["OIDC"],
  summary: "Exchange a CI OIDC token for a short-lived API key",
  description:
    "No API key: the CI provider's OIDC token authenticates the request. It must verify against its issuer's published keys (asymmetric algorithms only), carry a policy's audience, be unexpired, at most an hour old and never exchanged before, and its claims must match exactly one trust policy. The response holds the issued key, once.",
  security: [],
  request: { body: jsonBody(TokenExchangeBody) },
  responses: {
    201: jsonResponse(TokenExchangeResultSchema, "The issued key, with its secret, its CI identity and the policy that matched"),
    ...problems(400, 413, 415),
    401: { ...problems(401)[401], description: "The token was refused (`OIDC_TOKEN_REJECTED`); `detail` says why in general terms. Nothing was issued." },
  },
});

export function registerExchangeOidcToken(router: Router) {
  router.openapi(route, async (c) => {
    return c.json(unwrap(await exchangeOidcToken(c.get("deps"), c.req.valid("json").token)), 201);
  });
}
