import { z } from "@hono/zod-openapi";
import { jsonResponse, problems } from "../../http/openapi";
import { PromotionRequestSchema, ReleaseSchema } from "../releases/schemas";

export const DecisionBody = z.strictObject({ comment: z.string().max(2000).optional() }).openapi("PromotionDecision");

/** A promotion request after an approval or a rejection, with the release an approval made, if any. */
export const DecidedPromotionSchema = PromotionRequestSchema.extend({ release: ReleaseSchema.nullable() });

/** What an approval and a rejection answer alike: the request as the decision left it. */
export const decisionResponses = {
  200: jsonResponse(DecidedPromotionSchema, "The request after the decision"),
  201: jsonResponse(DecidedPromotionSchema, "The approval released the promotion"),
  ...problems(400, 401, 403, 404, 409, 415),
};
