import { z } from "@hono/zod-openapi";
import { scopes } from "../../context";
import { idParams, Timestamp } from "../../http/openapi";

export const Scope = z.enum(scopes);

export const ApiKeySchema = z
  .object({
    id: z.string().openapi({ example: "key_01jdz8k2m3n4p5q6r7s8t9v0w1" }),
    name: z.string(),
    environment: z.string().nullable().openapi({ description: "The environment the key acts in; null for a workspace key" }),
    scopes: z.array(Scope),
    display_prefix: z.string().openapi({ example: "sc_env_4Qx9Lm" }),
    expires_at: Timestamp.nullable(),
    last_used_at: Timestamp.nullable().openapi({ description: "Approximate: updated at most about once a minute" }),
    revoked_at: Timestamp.nullable(),
    replaced_by: z.string().nullable().openapi({ description: "The key that replaced this one by rotation" }),
    created_at: Timestamp,
    created_by: z.string(),
  })
  .openapi("ApiKey");

export const IssuedApiKeySchema = ApiKeySchema.extend({
  key: z.string().openapi({ description: "The full key. Shown once, never again.", example: "sc_env_4Qx9Lm…" }),
}).openapi("IssuedApiKey");

export const RotatedApiKeySchema = IssuedApiKeySchema.extend({ previous_key: ApiKeySchema }).openapi("RotatedApiKey");

export const CreateApiKeyBody = z
  .strictObject({
    name: z.string().min(1).max(100),
    environment: z.string().max(64).nullable().optional().openapi({ description: "Bind the key to this environment; omit or null for a workspace key (workspace admins only)" }),
    scopes: z.array(Scope).min(1).max(scopes.length),
    expires_at: Timestamp.nullable().optional(),
  })
  .openapi("CreateApiKey");

export const RotateApiKeyBody = z
  .strictObject({
    grace_period_seconds: z
      .number()
      .int()
      .min(0)
      .max(30 * 86_400)
      .optional()
      .openapi({ description: "How long the old key keeps working; default 86400 (24 h), 0 stops it at once" }),
  })
  .openapi("RotateApiKey");

export const ApiKeyParams = idParams("The API key's id (`key_…`)");
