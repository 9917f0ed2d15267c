import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import type { AppEnv, Principal, Scope } from "../context";
import type { CachedKey } from "../edge/keys";
import { rememberKeyBinding, rememberLookups, startInvokeLookups } from "../edge/prefetch";
import { ApiError } from "../lib/problem";
import { authenticateKey } from "./authenticate-key";
import { recordKeyUse } from "./key-usage";

const BEARER = /^Bearer\s+(.+)$/i;

/**
 * The key a request presents. Vellum's clients send `X-API-KEY`; everyone
 * else sends a bearer token. Both headers may be sent only with the same key.
 * Refuses, before any lookup, a request whose headers cannot name one key.
 */
function presentedKey(authorization: string | undefined, apiKeyHeader: string | undefined): string | undefined {
  const bearer = authorization?.match(BEARER)?.[1]?.trim();
  const fromHeader = apiKeyHeader?.trim() || undefined;
  if (fromHeader !== undefined && authorization !== undefined && (bearer ?? authorization.trim()) !== fromHeader) {
    throw new ApiError("UNAUTHENTICATED", "Authorization and X-API-KEY carry different keys; send one key, in one of them", [
      { path: "header.authorization", message: "Differs from X-API-KEY" },
      { path: "header.x-api-key", message: "Differs from Authorization" },
    ]);
  }
  if (fromHeader !== undefined) return fromHeader;
  if (authorization?.trim() && bearer === undefined && !/^Bearer$/i.test(authorization.trim())) {
    throw new ApiError("UNAUTHENTICATED", "The Authorization header lacks the Bearer scheme: send `Authorization: Bearer <key>` (or `X-API-KEY: <key>`)", [
      { path: "header.authorization", message: "Use `Authorization: Bearer <key>`" },
    ]);
  }
  return bearer;
}

/**
 * Authenticates the request's API key and puts the principal in the context.
 * Missing, malformed, unknown, expired and revoked keys all get the same 401.
 * `beforeLookup` may start reads that overlap the key's lookup.
 */
function authenticateWith(beforeLookup?: (c: Context<AppEnv>, keyHash: string) => Promise<CachedKey | null> | undefined, readThrough = true) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const deps = c.get("deps");
    const result = await authenticateKey(
      deps,
      presentedKey(c.req.header("authorization"), c.req.header("x-api-key")),
      beforeLookup && ((keyHash) => beforeLookup(c, keyHash)),
      readThrough,
    );
    if (!result.ok) {
      throw new ApiError(
        "UNAUTHENTICATED",
        result.reason === "missing"
          ? "Send an API key as `Authorization: Bearer <key>` or `X-API-KEY: <key>`"
          : "The API key is not valid: it is malformed, unknown, expired or revoked",
        [{ path: "header.authorization", message: result.reason === "missing" ? "Missing" : "Invalid" }],
      );
    }
    c.set("principal", result.principal);
    rememberKeyBinding(result.keyHash, result.principal);
    c.get("timing").lap("auth");
    const reported = recordKeyUse(deps, result.principal);
    if (reported) c.executionCtx.waitUntil(reported);
    await next();
  });
}

export const authenticate = authenticateWith();

/**
 * Authentication for the invoke routes: when this isolate already knows the
 * key's environment, the key, the release pointer and the environment's
 * config are read from KV together, in one round trip (see edge/prefetch.ts).
 * A key missing from KV is refused here without a look in D1.
 */
export const authenticateInvoke = authenticateWith((c, keyHash) => {
  const started = startInvokeLookups(c.get("deps"), keyHash, () => c.req.json(), c.req.raw.headers, c.req.query("environment"));
  if (!started) return undefined;
  rememberLookups(c.req.raw, started.lookups);
  return started.key;
}, false);

function holdsAnywhere(principal: Principal, scope: Scope) {
  return principal.scopes.includes("admin") || principal.scopes.includes(scope);
}

/**
 * Refuses, before the body is even validated, a key that holds `scope` in no
 * environment. Services check the scope again against the exact environment.
 */
export function requireAnyScope(scope: Scope) {
  return createMiddleware<AppEnv>(async (c, next) => {
    if (!holdsAnywhere(c.get("principal"), scope)) {
      throw new ApiError("INSUFFICIENT_SCOPE", `This operation needs the "${scope}" scope`);
    }
    await next();
  });
}
