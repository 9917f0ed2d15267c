import { z } from "@hono/zod-openapi";
import { Timestamp } from "../../http/openapi";
import { KeyIdentitySchema } from "../api-keys/schemas";

export const AuditEventSchema = z
  .object({
    id: z.string(),
    seq: z.number().int().openapi({ description: "Position in the workspace's hash chain" }),
    occurred_at: Timestamp,
    actor: z.object({
      type: z.enum(["api_key", "bootstrap", "system"]),
      id: z.string().nullable(),
      identity: KeyIdentitySchema.optional().openapi({ description: "When the key was issued by an OIDC token exchange: the CI run it was issued to" }),
    }),
    action: z.string().openapi({ example: "environment.updated" }),
    target: z.object({ type: z.string(), id: z.string() }),
    environment_id: z.string().nullable(),
    before: z.unknown(),
    after: z.unknown(),
    request_id: z.string().nullable(),
    prev_hash: z.string(),
    hash: z.string(),
  })
  .openapi("AuditEvent");

export const AuditVerdictSchema = z
  .union([
    z.object({ valid: z.literal(true), events: z.number().int() }),
    z.object({ valid: z.literal(false), events: z.number().int(), first_invalid_event_id: z.string(), reason: z.string() }),
  ])
  .openapi("AuditVerdict");
