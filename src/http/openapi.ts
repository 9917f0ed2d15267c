import { z } from "@hono/zod-openapi";
import { PROBLEM_CONTENT_TYPE, problemCatalog } from "../lib/problem";

export const ProblemSchema = z
  .object({
    type: z.string().openapi({ example: "urn:stagecraft:problem:validation-failed" }),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    code: z.enum(Object.keys(problemCatalog) as [keyof typeof problemCatalog, ...(keyof typeof problemCatalog)[]]),
    request_id: z.string(),
    errors: z.array(z.object({ path: z.string().openapi({ example: "body.name" }), message: z.string() })).optional(),
  })
  .openapi("Problem", { description: "An RFC 9457 problem document" });

const PROBLEM_DESCRIPTIONS: Record<number, string> = {
  400: "Invalid input; `errors` names each offending field",
  401: "Missing, malformed, unknown, expired or revoked API key",
  403: "The key lacks the scope this operation needs",
  404: "Not found, or not visible to this key",
  409: "Conflicts with the current state",
  412: "The If-Match precondition failed",
  413: "Body too large",
  415: "Body is not application/json",
  422: "Well-formed but cannot be processed",
  429: "Refused for now: RATE_LIMITED (the key's or the environment's rate limit), BUDGET_EXHAUSTED (the environment's daily budget) or UPSTREAM_RATE_LIMITED (the model provider); Retry-After says when to retry",
};

/** Problem responses for the given statuses, for a route's `responses`. */
export function problems(...statuses: (keyof typeof PROBLEM_DESCRIPTIONS)[]) {
  return Object.fromEntries(
    statuses.map((status) => [status, { description: PROBLEM_DESCRIPTIONS[status] ?? "Error", content: { [PROBLEM_CONTENT_TYPE]: { schema: ProblemSchema } } }]),
  );
}

/** A JSON response for a route's `responses`. */
export function jsonResponse<T extends z.ZodType>(schema: T, description: string) {
  return { description, content: { "application/json": { schema } } };
}

/** A required JSON request body. */
export function jsonBody<T extends z.ZodType>(schema: T) {
  return { required: true, content: { "application/json": { schema } } };
}

/** An optional JSON request body: an empty body means "all defaults". */
export function optionalJsonBody<T extends z.ZodType>(schema: T) {
  return { required: false, content: { "application/json": { schema } } };
}

export const PaginationQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20).openapi({ description: "Page size, 1–100" }),
  cursor: z.string().max(200).optional().openapi({ description: "`next_cursor` from the previous page" }),
});

export const EnvironmentQuery = z.object({
  environment: z.string().max(64).optional().openapi({ description: "The environment to act in; required for workspace keys, optional for environment keys (must be their own)" }),
});

/** A path's `{id}`: the id of something the API created (`rel_…`, `key_…`), described for the reference. */
export function idParams(description: string) {
  return z.object({
    id: z
      .string()
      .max(64)
      .openapi({ param: { name: "id", in: "path" }, description }),
  });
}

export const IdParams = idParams("The id the API gave it when it was created (`rel_…`, `key_…`, …)");

export function pageOf<T extends z.ZodType>(item: T) {
  return z.object({ data: z.array(item), next_cursor: z.string().nullable() });
}

/** Both ways of presenting an API key. */
export const keySecurity: Record<string, string[]>[] = [{ bearerAuth: [] }, { apiKeyHeader: [] }];

export const Timestamp = z.iso.datetime({ offset: true }).openapi({ example: "2026-11-26T12:00:00.000Z" });
