import { OpenAPIHono, z } from "@hono/zod-openapi";
import type { MiddlewareHandler } from "hono";
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../context";
import { answersForIdempotencyKey, refuseUnsupportedIdempotencyKey } from "../idempotency/middleware";
import { fieldIssues } from "../lib/field-path";
import { ApiError } from "../lib/problem";

/**
 * A router whose request validation failures become VALIDATION_FAILED
 * problems naming every offending field, never raw validator output.
 * Every route it registers also refuses what its OpenAPI description does
 * not declare: query parameters it lacks, and an Idempotency-Key where the
 * route does not honour one. An optional JSON body may be empty.
 */
export type Router = ReturnType<typeof newRouter>;

type RouteConfig = Parameters<OpenAPIHono<AppEnv>["openapi"]>[0];

/** Refuses every query parameter the route's query schema does not declare, naming each. */
function onlyDeclaredQuery(query: unknown): MiddlewareHandler<AppEnv> {
  const declared = new Set(query instanceof z.ZodObject ? Object.keys(query.shape) : []);
  return createMiddleware<AppEnv>(async (c, next) => {
    const unknown = Object.keys(c.req.queries()).filter((name) => !declared.has(name));
    if (unknown.length > 0) {
      const known = declared.size > 0 ? `; this operation takes ${[...declared].map((name) => `\`${name}\``).join(", ")}` : "; this operation takes none";
      throw new ApiError(
        "VALIDATION_FAILED",
        `Unknown query parameter${unknown.length > 1 ? "s" : ""} ${unknown.map((name) => `\`${name}\``).join(", ")}${known}`,
        unknown.map((name) => ({ path: `query.${name}`, message: "Unknown query parameter" })),
      );
    }
    await next();
  });
}

const JSON_MEDIA_TYPE = /^application\/([\w.-]+\+)?json\s*(;|$)/i;

/**
 * Where the body is optional, an empty one means "all defaults", whatever its
 * Content-Type: many clients send `application/json` on every request.
 */
const emptyJsonBodyAsEmptyObject = createMiddleware<AppEnv>(async (c, next) => {
  const contentType = c.req.header("content-type");
  if (contentType && JSON_MEDIA_TYPE.test(contentType) && (await c.req.text()).trim() === "") {
    // HonoRequest keeps the body it read as a promise per reading; json() parses the cached text.
    (c.req.bodyCache as { text?: Promise<string> }).text = Promise.resolve("{}");
  }
  await next();
});

/** The checks every route gets after its own middleware, before its request is validated. */
function withEdgeChecks(route: RouteConfig): RouteConfig {
  const own = route.middleware === undefined ? [] : Array.isArray(route.middleware) ? route.middleware : [route.middleware];
  const checks: MiddlewareHandler<AppEnv>[] = [onlyDeclaredQuery(route.request?.query)];
  // A read is safe to repeat anyway: the header is refused only where a retry would change something twice.
  const reads = route.method === "get" || route.method === "head";
  if (!reads && !answersForIdempotencyKey(own)) checks.push(refuseUnsupportedIdempotencyKey);
  if (route.request?.body && !route.request.body.required) checks.push(emptyJsonBodyAsEmptyObject);
  return { ...route, middleware: [...own, ...checks] };
}

export function newRouter() {
  const router = new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (!result.success) {
        const errors = fieldIssues(result.target, result.error.issues);
        throw new ApiError("VALIDATION_FAILED", `Invalid ${errors.map((e) => e.path).join(", ")}`, errors);
      }
    },
  });
  const register = router.openapi;
  router.openapi = ((route, handler, hook) => register(withEdgeChecks(route), handler, hook)) as typeof router.openapi;
  return router;
}
