import { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../context";
import { fieldIssues } from "../lib/field-path";
import { ApiError } from "../lib/problem";

/**
 * A router whose request validation failures become VALIDATION_FAILED
 * problems naming every offending field, never raw validator output.
 */
export type Router = ReturnType<typeof newRouter>;

export function newRouter() {
  return new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (!result.success) {
        const errors = fieldIssues(result.target, result.error.issues);
        throw new ApiError("VALIDATION_FAILED", `Invalid ${errors.map((e) => e.path).join(", ")}`, errors);
      }
    },
  });
}
