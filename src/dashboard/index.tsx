import type { Context } from "hono";
import { bodyLimit } from "hono/body-limit";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { createMiddleware } from "hono/factory";
import { authenticateKey, authenticateKeyHash } from "../access/authenticate-key";
import { findApiKeyByHash } from "../access/repository";
import type { AppEnv } from "../context";
import type { Router } from "../http/router";
import { secretsEqual } from "../lib/crypto";
import { readOverview } from "../releases/overview";
import { decidePromotion } from "../releases/promotion-requests";
import { pendingApprovalCount, readApprovals } from "./approvals";
import { ApprovalsPage, DONE_MESSAGES, type Done, REFUSALS } from "./approvals-page";
import type { SignedIn } from "./layout";
import { OverviewPage } from "./overview-page";
import { csrfToken, readSession, SESSION_COOKIE, SESSION_SECONDS, type Session, signSession } from "./session";
import { ForbiddenPage, SignInPage } from "./sign-in-page";
import { DASHBOARD_CSS } from "./styles";

/** No inline script or style anywhere: everything the pages load comes from this origin. */
const CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/** Sets the security headers every dashboard response carries. */
const securityHeaders = createMiddleware<AppEnv>(async (c, next) => {
  await next();
  c.res.headers.set("Content-Security-Policy", CONTENT_SECURITY_POLICY);
  c.res.headers.set("X-Content-Type-Options", "nosniff");
  c.res.headers.set("Referrer-Policy", "same-origin");
  c.res.headers.set("Cross-Origin-Opener-Policy", "same-origin");
  c.res.headers.set("X-Frame-Options", "DENY");
  if (!c.res.headers.has("Cache-Control")) c.res.headers.set("Cache-Control", "no-store");
});

/** Dashboard forms are a few hundred bytes; anything much larger is not one of them. */
const formLimit = bodyLimit({ maxSize: 8 * 1024, onError: (c) => c.text("Form too large", 413) });

const secureCookies = (c: Context<AppEnv>) => c.get("deps").config.stage === "production";

function signOut(c: Context<AppEnv>) {
  deleteCookie(c, SESSION_COOKIE, { path: "/", secure: secureCookies(c), httpOnly: true, sameSite: "Strict" });
  return c.redirect("/sign-in", 303);
}

/**
 * The signed-in key of this request, or null. The cookie holds only the
 * key's hash; the key is authenticated again on every request through its
 * cached entry, so a revoked, expired or rotated-away key ends the session.
 */
async function currentSession(c: Context<AppEnv>): Promise<(SignedIn & { session: Session }) | null> {
  const deps = c.get("deps");
  const session = await readSession(deps.config, deps.now(), getCookie(c, SESSION_COOKIE));
  if (!session) return null;
  const auth = await authenticateKeyHash(deps, session.keyHash);
  if (!auth.ok) return null;
  const [csrf, pendingApprovals] = await Promise.all([csrfToken(deps.config, session), pendingApprovalCount(deps, auth.principal)]);
  return { session, principal: auth.principal, keyName: session.keyName, csrf, pendingApprovals };
}

/** A POST from this dashboard: its form carries the session's CSRF token. */
async function carriesCsrfToken(c: Context<AppEnv>, expected: string): Promise<boolean> {
  const form = await c.req.parseBody();
  return typeof form.csrf === "string" && (await secretsEqual(form.csrf, expected));
}

/** A request whose browser says it came from another site (or whose Origin is not ours). */
function crossSite(c: Context<AppEnv>): boolean {
  const site = c.req.header("Sec-Fetch-Site");
  if (site && site !== "same-origin" && site !== "none") return true;
  const origin = c.req.header("Origin");
  return origin !== undefined && origin !== new URL(c.req.url).origin;
}

/**
 * The server-rendered dashboard, at `/`: sign-in with an API key and pages
 * that call the same domain functions as the API, with the session key's
 * principal. The API stays under `/v1`.
 */
export function registerDashboard(app: Router) {
  app.get("/dashboard.css", securityHeaders, (c) => c.body(DASHBOARD_CSS, 200, { "Content-Type": "text/css; charset=utf-8", "Cache-Control": "public, max-age=300" }));

  app.get("/sign-in", securityHeaders, async (c) => {
    if (await currentSession(c)) return c.redirect("/", 303);
    return c.html(<SignInPage />);
  });

  app.post("/sign-in", securityHeaders, formLimit, async (c) => {
    // No session yet, so no CSRF token: a sign-in posted from another site is refused by its origin instead.
    if (crossSite(c)) return c.html(<ForbiddenPage />, 403);
    const deps = c.get("deps");
    const form = await c.req.parseBody();
    const auth = await authenticateKey(deps, typeof form.key === "string" ? form.key.trim() : undefined);
    if (!auth.ok) return c.html(<SignInPage error="That key was not accepted: it is unknown, revoked or expired." />, 401);
    const row = await findApiKeyByHash(deps.db, auth.keyHash);
    const { token } = await signSession(deps.config, deps.now(), auth.keyHash, row?.name ?? auth.principal.keyId);
    setCookie(c, SESSION_COOKIE, token, { path: "/", httpOnly: true, secure: secureCookies(c), sameSite: "Strict", maxAge: SESSION_SECONDS });
    return c.redirect("/", 303);
  });

  app.post("/sign-out", securityHeaders, formLimit, async (c) => {
    if (crossSite(c)) return c.html(<ForbiddenPage />, 403);
    const signedIn = await currentSession(c);
    if (!signedIn) return signOut(c);
    if (!(await carriesCsrfToken(c, signedIn.csrf))) return c.html(<ForbiddenPage />, 403);
    return signOut(c);
  });

  app.get("/", securityHeaders, async (c) => {
    const signedIn = await currentSession(c);
    if (!signedIn) return signOut(c);
    const deps = c.get("deps");
    const overview = await readOverview(deps, signedIn.principal);
    return c.html(<OverviewPage overview={overview} signedIn={signedIn} now={deps.now()} />);
  });

  app.get("/approvals", securityHeaders, async (c) => {
    const signedIn = await currentSession(c);
    if (!signedIn) return signOut(c);
    const deps = c.get("deps");
    const items = await readApprovals(deps, signedIn.principal);
    const done = c.req.query("done");
    const refused = c.req.query("refused");
    const error = !items.ok ? items.error.detail : refused !== undefined ? (REFUSALS[refused] ?? REFUSALS.OTHER) : undefined;
    return c.html(
      <ApprovalsPage
        items={items.ok ? items.value : []}
        signedIn={signedIn}
        now={deps.now()}
        done={done !== undefined && done in DONE_MESSAGES ? (done as Done) : undefined}
        error={error}
      />,
      items.ok ? 200 : 403,
    );
  });

  app.post("/approvals/:id/:decision{approve|reject}", securityHeaders, formLimit, async (c) => {
    if (crossSite(c)) return c.html(<ForbiddenPage />, 403);
    const signedIn = await currentSession(c);
    if (!signedIn) return signOut(c);
    if (!(await carriesCsrfToken(c, signedIn.csrf))) return c.html(<ForbiddenPage />, 403);
    const form = await c.req.parseBody();
    const comment = typeof form.comment === "string" ? form.comment.trim().slice(0, 1000) : "";
    const decision = c.req.param("decision") === "approve" ? "approve" : "reject";
    const result = await decidePromotion(c.get("deps"), signedIn.principal, c.req.param("id"), decision, comment);
    if (!result.ok) return c.redirect(`/approvals?refused=${encodeURIComponent(result.error.code in REFUSALS ? result.error.code : "OTHER")}`, 303);
    return c.redirect(`/approvals?done=${decision === "approve" ? "approved" : "rejected"}`, 303);
  });
}
