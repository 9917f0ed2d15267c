import { createRoute } from "@hono/zod-openapi";
import { authenticate, requireAnyScope } from "../../access/authenticate-request";
import { setSecret } from "../../environments/secrets";
import { jsonBody, jsonResponse, keySecurity, problems } from "../../http/openapi";
import type { Router } from "../../http/router";
import { unwrap } from "../../lib/result";
import { SecretParams, SecretSchema, SetSecretBody } from "./schemas";

const route = createRoute({
  method: "put",
  path: "/v1/environments/{name}/secrets/{key}",
  tags: ["Environment secrets"],
  summary: "Set a secret",
  description:
    "Write-only: the value is encrypted at rest (AES-GCM) and never returned. Provider credentials live here: OPENAI_API_KEY, ANTHROPIC_API_KEY, CLOUDFLARE_ACCOUNT_ID and CLOUDFLARE_API_TOKEN (Workers AI). `allowed_hosts` binds the secret to the hosts it may be sent to. Needs `admin` in the environment.",
  security: keySecurity,
  middleware: [authenticate, requireAnyScope("admin")] as const,
  request: { params: SecretParams, body: jsonBody(SetSecretBody) },
  responses: { 200: jsonResponse(SecretSchema, "The secret, without its value"), ...problems(400, 401, 403, 404, 413, 415) },
});

export function registerSetSecret(router: Router) {
  router.openapi(route, async (c) => {
    const { name, key } = c.req.valid("param");
    const { value, allowed_hosts } = c.req.valid("json");
    return c.json(unwrap(await setSecret(c.get("deps"), c.get("principal"), name, key, value, allowed_hosts)), 200);
  });
}
