import type { Context, ErrorHandler, NotFoundHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import type { AppEnv } from "../context";
import { log } from "../lib/log";
import { ApiError, PROBLEM_CONTENT_TYPE, problemBody } from "../lib/problem";

function respond(c: Context<AppEnv>, error: ApiError, extraHeaders: Record<string, string> = {}) {
  const requestId = c.get("requestId") ?? "unknown";
  const headers: Record<string, string> = { ...extraHeaders, "Content-Type": PROBLEM_CONTENT_TYPE };
  if (error.code === "UNAUTHENTICATED") headers["WWW-Authenticate"] = 'Bearer realm="stagecraft"';
  return c.body(JSON.stringify(problemBody(error, requestId)), error.status, headers);
}

/** Maps the framework's own HTTP errors (body parsing, media type, size) to problem codes. */
function fromHttpException(error: HTTPException): ApiError {
  switch (error.status) {
    case 400:
      return new ApiError("MALFORMED_JSON", "The request body could not be parsed as JSON", [{ path: "body", message: "Malformed JSON" }]);
    case 413:
      return new ApiError("PAYLOAD_TOO_LARGE");
    case 415:
      return new ApiError("UNSUPPORTED_MEDIA_TYPE", "Send the body as application/json", [{ path: "header.content-type", message: "Must be application/json" }]);
    default:
      return new ApiError("VALIDATION_FAILED", "The request could not be handled as sent");
  }
}

/**
 * The one error handler. Known errors become problem+json; anything else is
 * logged with the request id and answered with a generic 500 whose body
 * carries no detail of the exception.
 */
export const handleError: ErrorHandler<AppEnv> = (error, c) => {
  if (error instanceof ApiError) return respond(c, error);
  if (error instanceof HTTPException && error.status < 500) return respond(c, fromHttpException(error));
  log.error(String(error), { request_id: c.get("requestId"), stack: error.stack });
  return respond(c, new ApiError("INTERNAL_ERROR", "An internal error occurred; quote the request id when reporting it"));
};

/** A registered route: its method and its path pattern (`/v1/environments/:name`). */
export interface RegisteredRoute {
  method: string;
  path: string;
}

function pathMatches(pattern: string, path: string): boolean {
  const wanted = pattern.split("/");
  const given = path.split("/");
  for (const [i, part] of wanted.entries()) {
    if (part === "*") return true;
    const segment = given[i];
    if (segment === undefined || (part.startsWith(":") ? segment === "" : part !== segment)) return false;
  }
  return wanted.length === given.length;
}

/** The methods the app's routes answer on `path`, HEAD included wherever GET is (Hono answers HEAD with GET). */
export function allowedMethods(routes: readonly RegisteredRoute[], path: string): string[] {
  const methods = new Set(routes.filter((route) => route.method !== "ALL" && pathMatches(route.path, path)).map((route) => route.method.toUpperCase()));
  if (methods.has("GET")) methods.add("HEAD");
  return [...methods].sort();
}

/**
 * The answer when no route matched: 405 with `Allow` when the path exists
 * under other methods, else 404. `routes` are the app's registered routes,
 * the same ones /openapi.json is generated from.
 */
export function handleNoRoute(routes: () => readonly RegisteredRoute[]): NotFoundHandler<AppEnv> {
  return (c) => {
    const path = new URL(c.req.url).pathname;
    const allowed = allowedMethods(routes(), path);
    if (allowed.length > 0) {
      return respond(c, new ApiError("METHOD_NOT_ALLOWED", `${path} answers ${allowed.join(", ")}, not ${c.req.method}`), { Allow: allowed.join(", ") });
    }
    return respond(c, new ApiError("NOT_FOUND", `No route for ${c.req.method} ${path}`));
  };
}
