import type { z } from "@hono/zod-openapi";

/**
 * A PATCH field that cannot be cleared: `null` is refused with "Cannot be
 * cleared" naming the field, rather than a type error. Fields that can be
 * cleared are `.nullable()` instead, and the domain says what null sets.
 *
 * @example
 * z.strictObject({ name: notClearable(Name).optional(), description: Description.nullable().optional() })
 */
export function notClearable<T extends z.ZodType>(schema: T) {
  return schema
    .nullable()
    .refine((value) => value !== null, "Cannot be cleared")
    .transform((value) => value as z.output<T>);
}
