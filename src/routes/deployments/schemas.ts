import { z } from "@hono/zod-openapi";

export const DeploymentParams = z.object({
  id: z
    .string()
    .min(1)
    .max(100)
    .openapi({ param: { name: "id", in: "path" }, description: "The deployment's id or its name" }),
});

export const RevertBody = z
  .strictObject({
    release_id: z.string().max(64).optional().openapi({ description: "The release to restore; default: the one live before the current one" }),
    abort_rollout: z.boolean().optional().openapi({
      description: "A rollout running in the environment refuses a revert (409) unless this is true: then the rollout is aborted and the release restored in the same change",
    }),
  })
  .openapi("Revert");

/** Vellum's list paging: `limit` and `offset`, answered with `count`, `next`, `previous`, `results`. */
export const OffsetPaginationQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  offset: z.coerce.number().int().min(0).default(0),
  ordering: z.string().max(100).optional().openapi({ description: "Accepted for compatibility; results are newest first" }),
});

export function offsetPageOf<T extends z.ZodType>(item: T) {
  return z.object({ count: z.number().int(), next: z.string().nullable(), previous: z.string().nullable(), results: z.array(item) });
}

/** The URL of another page of the same list. */
export function pageUrlFor(requestUrl: string) {
  return (offset: number) => {
    const url = new URL(requestUrl);
    url.searchParams.set("offset", String(offset));
    return url.toString();
  };
}
