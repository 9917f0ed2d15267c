import { z } from "@hono/zod-openapi";
import { scopes } from "../../context";
import { idParams, Timestamp } from "../../http/openapi";
import { notClearable } from "../../http/patch-fields";
import { ApiKeySchema } from "../api-keys/schemas";

/** What a policy may grant: any scope but `admin`. */
const GrantedScope = z.enum(scopes.filter((s) => s !== "admin") as ["execute", "read", "deploy", "promote", "approve"]);

const ClaimName = z
  .string()
  .regex(/^[A-Za-z0-9_.:-]{1,64}$/, "Claim names are 1–64 letters, digits, `_`, `.`, `:` or `-`")
  .openapi({ example: "repository" });

const fields = {
  name: z.string().trim().min(1).max(100),
  issuer: z
    .string()
    .max(512)
    .openapi({ description: "The `iss` of the tokens; https (plain http or loopback hosts outside production only)", example: "https://token.actions.githubusercontent.com" }),
  audience: z.string().min(1).max(256).openapi({ description: "An `aud` the token must carry", example: "stagecraft" }),
  conditions: z
    .record(ClaimName, z.string().min(1).max(512))
    .refine((conditions) => Object.keys(conditions).length >= 1, "Name at least one claim condition (for example `repository`)")
    .refine((conditions) => Object.keys(conditions).length <= 20, "At most 20 conditions")
    .openapi({
      description: "Claim → exact value or glob (`*` within a `/` segment, `**` across segments). Every condition must hold; a claim that is absent or not a string fails.",
      example: { repository: "acme/prompts", ref: "refs/heads/main" },
    }),
  environment: z.string().max(64).nullable().openapi({ description: "The environment the issued key acts in; null issues a workspace key" }),
  scopes: z
    .array(GrantedScope)
    .min(1)
    .max(5)
    .openapi({ description: "Scopes of the issued key; never `admin`", example: ["deploy", "read"] }),
  key_ttl_seconds: z.number().int().min(60).max(3_600).openapi({ description: "Lifetime of the issued key, 60–3600 s; default 900" }),
};

export const CreateTrustPolicyBody = z
  .strictObject({
    name: fields.name,
    issuer: fields.issuer,
    audience: fields.audience,
    conditions: fields.conditions,
    environment: fields.environment.optional(),
    scopes: fields.scopes,
    key_ttl_seconds: fields.key_ttl_seconds.optional(),
  })
  .openapi("CreateOidcTrustPolicy");

export const UpdateTrustPolicyBody = z
  .strictObject({
    name: notClearable(fields.name).optional(),
    issuer: notClearable(fields.issuer).optional(),
    audience: notClearable(fields.audience).optional(),
    conditions: notClearable(fields.conditions).optional(),
    environment: fields.environment.optional().openapi({ description: "null: issue workspace keys" }),
    scopes: notClearable(fields.scopes).optional(),
    key_ttl_seconds: notClearable(fields.key_ttl_seconds).optional(),
  })
  .refine((body) => Object.keys(body).length > 0, "Name at least one field to change")
  .openapi("UpdateOidcTrustPolicy");

export const TrustPolicySchema = z
  .object({
    id: z.string().openapi({ example: "otp_01jdz8k2m3n4p5q6r7s8t9v0w1" }),
    name: z.string(),
    issuer: z.string(),
    audience: z.string(),
    conditions: z.record(z.string(), z.string()),
    environment: z.string().nullable(),
    scopes: z.array(GrantedScope),
    key_ttl_seconds: z.number().int(),
    created_at: Timestamp,
    created_by: z.string(),
    updated_at: Timestamp,
  })
  .openapi("OidcTrustPolicy");

export const TrustPolicyParams = idParams("The trust policy's id (`otp_…`)");

export const TokenExchangeBody = z
  .strictObject({
    token: z.string().min(1).max(16_384).openapi({ description: "The CI provider's OIDC token (a JWT)" }),
  })
  .openapi("OidcTokenExchange");

export const TokenExchangeResultSchema = z
  .object({
    key: z.string().openapi({ description: "The short-lived API key. Shown once, never again." }),
    api_key: ApiKeySchema,
    expires_at: Timestamp,
    policy: z.object({ id: z.string(), name: z.string() }),
  })
  .openapi("OidcTokenExchanged");
