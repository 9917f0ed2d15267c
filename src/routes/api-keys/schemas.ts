import { z } from "@hono/zod-openapi";
import { scopes } from "../../context";
import { idParams, Timestamp } from "../../http/openapi";

export const Scope = z.enum(scopes);

export const KeyIdentitySchema = z
  .object({
    issuer: z.string().openapi({ example: "https://token.actions.githubusercontent.com" }),
    subject: z.string().openapi({ example: "repo:acme/prompts:ref:refs/heads/main" }),
    repository: z.string().nullable().openapi({ example: "acme/prompts" }),
    ref: z.string().nullable().openapi({ example: "refs/heads/main" }),
    workflow_ref: z.string().nullable().openapi({ example: "acme/prompts/.github/workflows/deploy.yml@refs/heads/main" }),
    event_name: z.string().nullable().openapi({ example: "push" }),
    run_id: z.string().nullable(),
    jti: z.string(),
    policy_id: z.string().openapi({ description: "The trust policy that matched" }),
  })
  .openapi("KeyIdentity", { description: "The CI run a key was issued to by `POST /v1/oidc/token`" });

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
    identity: KeyIdentitySchema.nullable().openapi({ description: "For a key issued by an OIDC token exchange: the CI run it was issued to; null otherwise" }),
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
