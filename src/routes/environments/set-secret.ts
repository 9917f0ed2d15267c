import { createRoute, z } from "@hono/zod-openapi";
import { unwrap } from "../../lib/result";
import { authenticate, requireAnyScope } from "../../access/authenticate-request";
import { listSecretNames, removeSecret, setSecret } from "../../environments/secrets";
import { jsonBody, jsonResponse, keySecurity, problems, Timestamp } from "../../http/openapi";
import type { Router } from "../../http/router";
import { EnvironmentName } from "./schemas";

const SecretSchema = z
  .object({ name: z.string(), created_at: Timestamp, updated_at: Timestamp, updated_by: z.string() })
  .openapi("Secret", { description: "A secret's name and history; its value is never returned" });

const SecretName = z.string().regex(/^[A-Z_][A-Z0-9_]{0,63}$/, "Upper-case letters, digits and _, like OPENAI_API_KEY");
const SecretParams = z.object({
  name: EnvironmentName.openapi({ param: { name: "name", in: "path" } }),
  key: SecretName.openapi({ param: { name: "key", in: "path" } }),
});

const common = { tags: ["Environment secrets"], security: keySecurity, middleware: [authenticate, requireAnyScope("admin")] };

const putRoute = createRoute({
  ...common,
  method: "put",
  path: "/v1/environments/{name}/secrets/{key}",
  summary: "Set a secret",
  description:
    "Write-only: the value is encrypted at rest (AES-GCM) and never returned. Provider credentials live here: OPENAI_API_KEY, ANTHROPIC_API_KEY, CLOUDFLARE_ACCOUNT_ID and CLOUDFLARE_API_TOKEN (Workers AI). Needs `admin` in the environment.",
  request: { params: SecretParams, body: jsonBody(z.strictObject({ value: z.string().min(1).max(16_384) }).openapi("SetSecret")) },
  responses: { 200: jsonResponse(SecretSchema, "The secret, without its value"), ...problems(400, 401, 403, 404, 413, 415) },
});

const listRoute = createRoute({
  ...common,
  method: "get",
  path: "/v1/environments/{name}/secrets",
  summary: "List secrets by name",
  request: { params: z.object({ name: EnvironmentName.openapi({ param: { name: "name", in: "path" } }) }) },
  responses: { 200: jsonResponse(z.object({ data: z.array(SecretSchema) }), "The environment's secrets, by name"), ...problems(400, 401, 403, 404) },
});

const deleteRoute = createRoute({
  ...common,
  method: "delete",
  path: "/v1/environments/{name}/secrets/{key}",
  summary: "Delete a secret",
  request: { params: SecretParams },
  responses: { 200: jsonResponse(SecretSchema, "The deleted secret"), ...problems(400, 401, 403, 404) },
});

export function registerSecretRoutes(router: Router) {
  router.openapi(putRoute, async (c) => {
    const { name, key } = c.req.valid("param");
    return c.json(unwrap(await setSecret(c.get("deps"), c.get("principal"), name, key, c.req.valid("json").value)), 200);
  });
  router.openapi(listRoute, async (c) => c.json(unwrap(await listSecretNames(c.get("deps"), c.get("principal"), c.req.valid("param").name)), 200));
  router.openapi(deleteRoute, async (c) => {
    const { name, key } = c.req.valid("param");
    return c.json(unwrap(await removeSecret(c.get("deps"), c.get("principal"), name, key)), 200);
  });
}
