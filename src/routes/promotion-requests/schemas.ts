import { z } from "@hono/zod-openapi";
import { PromotionRequestSchema, ReleaseSchema } from "../releases/schemas";

export const DecisionBody = z.strictObject({ comment: z.string().max(2000).optional() }).openapi("PromotionDecision");

/** A promotion request after an approval or a rejection, with the release an approval made, if any. */
export const DecidedPromotionSchema = PromotionRequestSchema.extend({ release: ReleaseSchema.nullable() });
