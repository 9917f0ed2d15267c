import { z } from "@hono/zod-openapi";
import { idParams, Timestamp } from "../../http/openapi";
import { SpecDocumentation, TagName } from "../sandboxes/schemas";

export const ReleaseSchema = z
  .object({
    id: z.string().openapi({ example: "rel_01jdz8k2m3n4p5q6r7s8t9v0w1" }),
    deployment_id: z.string(),
    environment: z.string(),
    version: z.number().int().openapi({ description: "1, 2, 3… per deployment and environment" }),
    tags: z.array(z.string()).openapi({ example: ["LATEST", "v1.2.0"] }),
    content_hash: z.string(),
    source: z.object({
      type: z.enum(["sandbox", "promotion", "revert"]),
      sandbox_revision: z.number().int().nullable().optional(),
      release_id: z.string().nullable().optional().openapi({ description: "The origin of a promotion, or the release a revert restored" }),
    }),
    description: z.string(),
    created_at: Timestamp,
    created_by: z.string(),
    spec: z
      .unknown()
      .optional()
      .openapi({ ...SpecDocumentation, description: "What the release runs: a PromptSpec or a WorkflowSpec, as its deployment's kind" }),
  })
  .openapi("Release");

export const PromotionRequestSchema = z
  .object({
    id: z.string(),
    deployment_id: z.string(),
    release_id: z.string(),
    environment: z.string(),
    status: z.enum(["pending", "approved", "rejected", "expired", "executed"]).openapi({
      description: "`approved`: every approval is in, but the environment's policy (test gate, freeze window) still holds it back; it lands by itself once the policy allows",
    }),
    required_approvals: z.number().int(),
    approvals: z.array(z.object({ approver: z.string(), comment: z.string(), at: Timestamp })),
    release_tags: z.array(z.string()),
    description: z.string(),
    requested_by: z.string(),
    result_release_id: z.string().nullable(),
    blocked_reason: z.string().nullable().openapi({ description: "What an approved request waits for" }),
    created_at: Timestamp,
    updated_at: Timestamp,
    expires_at: Timestamp,
  })
  .openapi("PromotionRequest");

export const ScheduledReleaseSchema = z
  .object({
    id: z.string(),
    deployment_id: z.string(),
    environment: z.string(),
    kind: z.enum(["promotion", "rollout"]),
    release_id: z.string(),
    rollout: z.unknown().nullable(),
    release_tags: z.array(z.string()),
    description: z.string(),
    scheduled_at: z.string(),
    status: z.enum(["scheduled", "executed", "refused", "cancelled"]),
    result: z.record(z.string(), z.unknown()).nullable(),
    created_at: z.string(),
    created_by: z.string(),
    updated_at: z.string(),
  })
  .openapi("ScheduledRelease");

export const PromoteBody = z
  .strictObject({
    environments: z.array(z.string().max(64)).min(1).max(20),
    release_tags: z.array(TagName).max(20).optional(),
    description: z.string().max(2000).optional(),
    scheduled_at: Timestamp.optional().openapi({ description: "Promote at this time instead (a scheduled release per target); judged against each target's policy then" }),
  })
  .openapi("Promote");

export const PromotionResultsSchema = z
  .object({
    results: z.array(
      z.union([
        z.object({ environment: z.string(), status: z.literal("released"), release: ReleaseSchema }),
        z.object({ environment: z.string(), status: z.literal("pending_approval"), promotion_request: PromotionRequestSchema }),
        z.object({ environment: z.string(), status: z.literal("scheduled"), scheduled_release: ScheduledReleaseSchema }),
      ]),
    ),
  })
  .openapi("PromotionResults");

export const ReleaseParams = idParams("The release's id (`rel_…`)");

function ifMatchHeader(description: string) {
  return z.object({ "if-match": z.string().max(100).optional().openapi({ description }) });
}

/** Promote and revert: If-Match names the release the environment serves now. */
export const IfMatchHeader = ifMatchHeader("The id of the release the environment serves now (for a promote, each target's); a stale value gets 412");

/** A tag move: If-Match names the release the tag points at, whichever release is live. */
export const TagIfMatchHeader = ifMatchHeader("The id of the release the tag points at now (not the live release); a stale value gets 412");
