import { setCookie } from "hono/cookie";
import { authenticateKey } from "../access/authenticate-key";
import { findApiKeyByHash } from "../access/repository";
import type { Router } from "../http/router";
import { registerApprovalPages } from "./approvals-page";
import { registerAuditPages } from "./audit/routes";
import { registerDeploymentPages } from "./deployments/routes";
import { registerEnvironmentPages } from "./environments/routes";
import { registerKeyPages } from "./keys/routes";
import { registerMonitoringPages } from "./monitoring/routes";
import { registerOverviewPage } from "./overview-page";
import { action, crossSite, currentSession, formLimit, secureCookies, securityHeaders, signOut } from "./pages";
import { registerSandboxPages } from "./sandboxes/routes";
import { SESSION_COOKIE, SESSION_SECONDS, signSession } from "./session";
import { ForbiddenPage, SignInPage } from "./sign-in-page";
import { DASHBOARD_CSS } from "./styles";
import { registerTestSuitePages } from "./test-suites/routes";

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

  action(app, "/sign-out", (c) => signOut(c));

  registerOverviewPage(app);
  registerDeploymentPages(app);
  registerSandboxPages(app);
  registerTestSuitePages(app);
  registerApprovalPages(app);
  registerMonitoringPages(app);
  registerEnvironmentPages(app);
  registerKeyPages(app);
  registerAuditPages(app);
}
