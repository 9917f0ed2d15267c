import { describe, expect, it } from "vitest";
import { createWorkspace, storageSnapshot } from "../harness";
import { deploy, deployedWorkspace, promptSpec, saveSandbox } from "../lifecycle/fixtures";
import { call, csrfOf, FORM, signInResponse } from "./browser-session";

const CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

function expectSecurityHeaders(headers: Headers) {
  expect(headers.get("content-security-policy")).toBe(CSP);
  expect(headers.get("x-content-type-options")).toBe("nosniff");
  expect(headers.get("referrer-policy")).toBe("same-origin");
  expect(headers.get("cross-origin-opener-policy")).toBe("same-origin");
}

/** Signs in with `key`; the session cookie's `name=value` and the whole Set-Cookie header. */
async function signIn(key: string) {
  const res = await signInResponse(key);
  expect(res.headers.get("location")).toBe("/");
  const setCookie = res.headers.get("set-cookie") ?? "";
  return { cookie: setCookie.split(";")[0] as string, setCookie };
}

describe("dashboard", () => {
  it("answers the sign-in page and the stylesheet with the security headers, and pages are not cached", async () => {
    const page = await call("/sign-in");
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toContain("text/html");
    expect(page.headers.get("cache-control")).toBe("no-store");
    expectSecurityHeaders(page.headers);
    expect(page.body).toContain('action="/sign-in"');
    expect(page.body).not.toMatch(/<script|style=/);

    const css = await call("/dashboard.css");
    expect(css.status).toBe(200);
    expect(css.headers.get("content-type")).toContain("text/css");
    expectSecurityHeaders(css.headers);
  });

  it("sets an HttpOnly, SameSite=Strict session cookie holding the key's hash, never the key", async () => {
    const ws = await createWorkspace();
    const { cookie, setCookie } = await signIn(ws.adminKey);
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Strict/);
    expect(setCookie).toMatch(/Path=\//);
    expect(setCookie).toMatch(/Max-Age=28800/);
    // STAGE is "test": no Secure flag, so http://127.0.0.1 works locally.
    expect(setCookie).not.toMatch(/Secure/);
    expect(setCookie).not.toContain(ws.adminKey);
    const payload = JSON.parse(atob((cookie.split("=")[1] as string).split(".")[1]!.replace(/-/g, "+").replace(/_/g, "/")));
    expect(JSON.stringify(payload)).not.toContain(ws.adminKey);
    expect(payload.sub).toMatch(/^[0-9a-f]{64}$/);
  });

  it("refuses a wrong key, and a page without a session redirects to sign-in", async () => {
    const wrong = await call("/sign-in", { method: "POST", rawBody: "key=sc_not_a_key", headers: FORM });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get("set-cookie")).toBeNull();
    const anonymous = await call("/");
    expect(anonymous.status).toBe(303);
    expect(anonymous.headers.get("location")).toBe("/sign-in");
    const forged = await call("/", { headers: { cookie: "stagecraft_session=eyJhbGciOiJIUzI1NiJ9.e30.AAAA" } });
    expect(forged.status).toBe(303);
  });

  it("shows a staging key only staging, and an admin key every environment with drift marked", async () => {
    const ws = await createWorkspace();
    const { sandbox } = await deployedWorkspace(ws);
    await saveSandbox(ws, sandbox.id, promptSpec("Q: {{ question }}"));
    expect((await deploy(ws, sandbox.id, ["staging"])).status).toBe(201);
    const admin = await signIn(ws.adminKey);
    const all = await call("/", { headers: { cookie: admin.cookie } });
    expect(all.status).toBe(200);
    expectSecurityHeaders(all.headers);
    expect(all.body).toContain('data-deployment="faq"');
    for (const env of ["development", "staging", "production"]) expect(all.body).toContain(`data-environment="${env}"`);
    expect(all.body).toContain("drift from development");
    expect(all.body).toMatch(/v2/);

    const staging = await ws.key({ environment: "staging", scopes: ["read"], name: "staging reader" });
    const session = await signIn(staging.key);
    const page = await call("/", { headers: { cookie: session.cookie } });
    expect(page.status).toBe(200);
    expect(page.body).toContain("staging reader");
    expect(page.body).toContain('data-environment="staging"');
    expect(page.body).not.toMatch(/production|development/);
    // Drift is judged only against environments the key may see.
    expect(page.body).not.toContain("drift");
  });

  it("changes nothing on a POST without the session's CSRF token, and signs out with it", async () => {
    const ws = await createWorkspace();
    const { cookie } = await signIn(ws.adminKey);
    const before = await storageSnapshot();
    const forged = await call("/sign-out", { method: "POST", rawBody: "csrf=wrong", headers: { ...FORM, cookie } });
    expect(forged.status).toBe(403);
    expect(forged.headers.get("set-cookie")).toBeNull();
    expect(await storageSnapshot()).toEqual(before);
    expect((await call("/", { headers: { cookie } })).status).toBe(200);

    const crossSiteSignIn = await call("/sign-in", {
      method: "POST",
      rawBody: new URLSearchParams({ key: ws.adminKey }).toString(),
      headers: { ...FORM, origin: "https://evil.example" },
    });
    expect(crossSiteSignIn.status).toBe(403);
    expect(crossSiteSignIn.headers.get("set-cookie")).toBeNull();

    const page = await call("/", { headers: { cookie } });
    const csrf = csrfOf(page.body);
    expect(csrf).toBeTruthy();
    const out = await call("/sign-out", { method: "POST", rawBody: `csrf=${csrf}`, headers: { ...FORM, cookie } });
    expect(out.status).toBe(303);
    expect(out.headers.get("location")).toBe("/sign-in");
    expect(out.headers.get("set-cookie")).toMatch(/stagecraft_session=;/);
  });

  it("ends a revoked key's session at its next request", async () => {
    const ws = await createWorkspace();
    const reader = await ws.key({ scopes: ["read"], name: "to revoke" });
    const { cookie } = await signIn(reader.key);
    expect((await call("/", { headers: { cookie } })).status).toBe(200);
    const revoked = await call(`/v1/api-keys/${reader.id}`, { method: "DELETE", key: ws.adminKey });
    expect(revoked.status).toBeLessThan(300);
    const next = await call("/", { headers: { cookie } });
    expect(next.status).toBe(303);
    expect(next.headers.get("location")).toBe("/sign-in");
  });
});
