import type { Context } from "hono";
import { bodyLimit } from "hono/body-limit";
import { deleteCookie, getCookie } from "hono/cookie";
import { createMiddleware } from "hono/factory";
import { authenticateKeyHash } from "../access/authenticate-key";
import type { AppEnv } from "../context";
import type { Router } from "../http/router";
import { secretsEqual } from "../lib/crypto";
import { pendingApprovalCount } from "./approvals";
import { NotFoundPage, type SignedIn } from "./layout";
import { csrfToken, readSession, SESSION_COOKIE, type Session } from "./session";
import { ForbiddenPage } from "./sign-in-page";

/** No inline script or style anywhere: everything the pages load comes from this origin. */
const CONTENT_SECURITY_POLICY =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/** Style nonces granted by `allowStyleNonce`, by request. */
const styleNonces = new WeakMap<Context<AppEnv>, string>();

/**
 * A fresh nonce for this response's `<style>` elements: the code editor
 * (CodeMirror) injects its styles at runtime, and a style element applies
 * only if it carries this nonce. Scripts stay 'self' only.
 */
export function allowStyleNonce(c: Context<AppEnv>): string {
  const nonce = btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(16))));
  styleNonces.set(c, nonce);
  return nonce;
}

function contentSecurityPolicy(c: Context<AppEnv>): string {
  const nonce = styleNonces.get(c);
  return nonce ? CONTENT_SECURITY_POLICY.replace("style-src 'self'", `style-src 'self' 'nonce-${nonce}'`) : CONTENT_SECURITY_POLICY;
}

/** Sets the security headers every dashboard response carries. */
export const securityHeaders = createMiddleware<AppEnv>(async (c, next) => {
  await next();
  c.res.headers.set("Content-Security-Policy", contentSecurityPolicy(c));
  c.res.headers.set("X-Content-Type-Options", "nosniff");
  c.res.headers.set("Referrer-Policy", "same-origin");
  c.res.headers.set("Cross-Origin-Opener-Policy", "same-origin");
  c.res.headers.set("X-Frame-Options", "DENY");
  c.res.headers.set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()");
  if (!c.res.headers.has("Cache-Control")) c.res.headers.set("Cache-Control", "no-store");
});

/** Dashboard forms are small; a sandbox spec is the largest thing one carries. */
export const formLimit = bodyLimit({ maxSize: 256 * 1024, onError: (c) => c.text("Form too large", 413) });

export const secureCookies = (c: Context<AppEnv>) => c.get("deps").config.stage === "production";

export function signOut(c: Context<AppEnv>) {
  deleteCookie(c, SESSION_COOKIE, { path: "/", secure: secureCookies(c), httpOnly: true, sameSite: "Strict" });
  return c.redirect("/sign-in", 303);
}

/** A signed-in key together with the session that carries it. */
export type CurrentSession = SignedIn & { session: Session };

/**
 * The signed-in key of this request, or null. The cookie holds only the
 * key's hash; the key is authenticated again on every request through its
 * cached entry, so a revoked, expired or rotated-away key ends the session.
 */
export async function currentSession(c: Context<AppEnv>): Promise<CurrentSession | null> {
  const deps = c.get("deps");
  const session = await readSession(deps.config, deps.now(), getCookie(c, SESSION_COOKIE));
  if (!session) return null;
  const auth = await authenticateKeyHash(deps, session.keyHash);
  if (!auth.ok) return null;
  const [csrf, pendingApprovals] = await Promise.all([csrfToken(deps.config, session), pendingApprovalCount(deps, auth.principal)]);
  return { session, principal: auth.principal, keyName: session.keyName, csrf, pendingApprovals };
}

/** A request whose browser says it came from another site (or whose Origin is not ours). */
export function crossSite(c: Context<AppEnv>): boolean {
  const site = c.req.header("Sec-Fetch-Site");
  if (site && site !== "same-origin" && site !== "none") return true;
  const origin = c.req.header("Origin");
  return origin !== undefined && origin !== new URL(c.req.url).origin;
}

/** The fields of a posted form: strings only (files are not accepted anywhere), repeated names as arrays. */
export type FormFields = Record<string, string | string[]>;

async function readForm(c: Context<AppEnv>): Promise<FormFields> {
  const body = await c.req.parseBody({ all: true });
  const fields: FormFields = {};
  for (const [name, value] of Object.entries(body)) {
    if (typeof value === "string") fields[name] = value;
    else if (Array.isArray(value)) fields[name] = value.filter((v): v is string => typeof v === "string");
  }
  return fields;
}

/** One field of a form as a single trimmed string ("" when absent). */
export function field(form: FormFields, name: string): string {
  const value = form[name];
  return (Array.isArray(value) ? (value[0] ?? "") : (value ?? "")).trim();
}

/** Every value of a repeated field (checkboxes), trimmed, empty ones dropped. */
export function fields(form: FormFields, name: string): string[] {
  const value = form[name];
  return (Array.isArray(value) ? value : value === undefined ? [] : [value]).map((v) => v.trim()).filter((v) => v !== "");
}

/** The 404 page: what a key sees for anything it may not see, exactly as for what does not exist. */
export function notFound(c: Context<AppEnv>, signedIn: SignedIn) {
  return c.html(<NotFoundPage signedIn={signedIn} />, 404);
}

type PageHandler = (c: Context<AppEnv>, signedIn: CurrentSession) => Response | Promise<Response>;
type ActionHandler = (c: Context<AppEnv>, signedIn: CurrentSession, form: FormFields) => Response | Promise<Response>;

/** A page for a signed-in key at `path`: without a valid session the browser goes to the sign-in page. */
export function page(app: Router, path: string, handler: PageHandler) {
  app.get(path, securityHeaders, async (c) => {
    const signedIn = await currentSession(c);
    if (!signedIn) return signOut(c);
    return handler(c, signedIn);
  });
}

/**
 * A state-changing form post at `path`: refused unless it comes from this
 * origin with the session's CSRF token; the handler gets the parsed form.
 * Handlers answer with a redirect (post/redirect/get) or a page.
 */
export function action(app: Router, path: string, handler: ActionHandler) {
  app.post(path, securityHeaders, formLimit, async (c) => {
    if (crossSite(c)) return c.html(<ForbiddenPage />, 403);
    const signedIn = await currentSession(c);
    if (!signedIn) return signOut(c);
    const form = await readForm(c);
    const token = field(form, "csrf");
    if (!(token !== "" && (await secretsEqual(token, signedIn.csrf)))) return c.html(<ForbiddenPage />, 403);
    return handler(c, signedIn, form);
  });
}

/** A path parameter of the matched route ("" only if the route has no such parameter). */
export function param(c: Context<AppEnv>, name: string): string {
  return c.req.param(name) ?? "";
}
