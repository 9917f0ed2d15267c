import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { sha256Hex } from "../../src/lib/crypto";
import { call as callApi, createWorkspace, storageSnapshot } from "../harness";
import { call, csrfOf, FORM, post, signIn } from "./browser-session";

const shownKey = (html: string) => /<code id="new-key">([^<]+)<\/code>/.exec(html)?.[1] as string;

async function keyRow(id: string) {
  return env.DB.prepare("SELECT * FROM api_keys WHERE id = ?").bind(id).first<Record<string, unknown>>();
}

describe("dashboard API keys", () => {
  it("creates a key from the form: only its hash is stored, and the key is shown once, uncached, in the answer", async () => {
    const ws = await createWorkspace();
    const cookie = await signIn(ws.adminKey);
    const list = await call("/api-keys", { headers: { cookie } });
    expect(list.status).toBe(200);
    expect(list.body).toContain("the key you are signed in with");
    expect(list.body).toContain("all environments");
    expect(list.body).toContain('<option value="" selected="">All environments (workspace key)</option>');
    expect(list.body).toMatch(/<label for="scope-deploy">deploy/);

    const created = await post(cookie, "/api-keys", "/api-keys", [
      ["name", "CI deploys"],
      ["environment", "staging"],
      ["scopes", "read"],
      ["scopes", "deploy"],
      ["expires_on", "2099-01-31"],
    ]);
    expect(created.status).toBe(201);
    expect(created.headers.get("cache-control")).toBe("no-store");
    expect(created.headers.get("location")).toBeNull();
    const key = shownKey(created.body);
    expect(key).toMatch(/^sc_/);
    expect(created.body).toContain("It will not be shown again");
    expect(created.body).toContain('<button type="button" data-copy="#new-key" hidden="">');
    expect(created.body).toContain('<script type="module" src="/static/copy.js">');

    const row = await env.DB.prepare("SELECT * FROM api_keys WHERE key_hash = ?")
      .bind(await sha256Hex(key))
      .first<Record<string, unknown>>();
    expect(row).toMatchObject({ name: "CI deploys", environment_id: ws.environments.staging!.id, expires_at: "2099-01-31T00:00:00.000Z", revoked_at: null });
    expect(JSON.parse(row!.scopes as string)).toEqual(["read", "deploy"]);
    expect(JSON.stringify(await storageSnapshot())).not.toContain(key);

    const works = await callApi("/v1/deployments?environment=staging", { key });
    expect(works.status).toBe(200);
    const again = await call("/api-keys", { headers: { cookie } });
    expect(again.body).toContain(`data-key="${row!.id}" data-state="active"`);
    expect(again.body).toContain(`${row!.display_prefix}…`);
    expect(again.body).not.toContain(key);
  });

  it("re-shows the form with the problem and creates nothing for a key without scopes", async () => {
    const ws = await createWorkspace();
    const cookie = await signIn(ws.adminKey);
    const before = await storageSnapshot();
    const res = await post(cookie, "/api-keys", "/api-keys", [
      ["name", "no scopes"],
      ["environment", "staging"],
    ]);
    expect(res.status).toBe(400);
    expect(res.body).toContain("give at least one scope");
    expect(res.body).toContain('value="no scopes"');
    expect(await storageSnapshot()).toEqual(before);
  });

  it("revokes a key after a confirmation naming it; the key's next API call is 401", async () => {
    const ws = await createWorkspace();
    const victim = await ws.key({ environment: "staging", scopes: ["read"], name: "support bot" });
    expect((await callApi("/v1/deployments?environment=staging", { key: victim.key })).status).toBe(200);
    const cookie = await signIn(ws.adminKey);
    const confirm = await call(`/api-keys/${victim.id}/revoke`, { headers: { cookie } });
    expect(confirm.status).toBe(200);
    expect(confirm.body).toContain("Revoke the key “support bot”?");
    expect(confirm.body).toContain("staging");

    const revoked = await post(cookie, `/api-keys/${victim.id}/revoke`, `/api-keys/${victim.id}/revoke`, []);
    expect(revoked.status).toBe(303);
    expect(revoked.headers.get("location")).toBe("/api-keys?done=revoked");
    expect((await keyRow(victim.id))?.revoked_at).toEqual(expect.any(String));
    expect((await callApi("/v1/deployments?environment=staging", { key: victim.key })).status).toBe(401);
    const list = await call("/api-keys?done=revoked", { headers: { cookie } });
    expect(list.body).toContain("The key was revoked.");
    expect(list.body).toContain(`data-key="${victim.id}" data-state="revoked"`);
  });

  it("rotates a key: the new key is shown once and works, the old one keeps its grace period", async () => {
    const ws = await createWorkspace();
    const old = await ws.key({ scopes: ["read"], name: "nightly job" });
    const cookie = await signIn(ws.adminKey);
    const confirm = await call(`/api-keys/${old.id}/rotate`, { headers: { cookie } });
    expect(confirm.body).toMatch(/<label for="grace">Grace period \(seconds\)<\/label>/);
    expect(confirm.body).toContain('value="86400"');

    const refused = await post(cookie, `/api-keys/${old.id}/rotate`, `/api-keys/${old.id}/rotate`, [["grace_period_seconds", "-5"]]);
    expect(refused.status).toBe(400);
    expect((await keyRow(old.id))?.replaced_by_id).toBeNull();

    const rotated = await post(cookie, `/api-keys/${old.id}/rotate`, `/api-keys/${old.id}/rotate`, [["grace_period_seconds", "3600"]]);
    expect(rotated.status).toBe(201);
    expect(rotated.headers.get("cache-control")).toBe("no-store");
    const key = shownKey(rotated.body);
    expect(rotated.body).toContain("Key “nightly job” rotated");
    expect(rotated.body).toContain("keeps working until");
    const row = await keyRow(old.id);
    expect(row?.replaced_by_id).toEqual(expect.any(String));
    expect(Date.parse(row?.expires_at as string) - Date.now()).toBeGreaterThan(3500_000);
    expect(Date.parse(row?.expires_at as string) - Date.now()).toBeLessThan(3700_000);
    expect((await keyRow(row!.replaced_by_id as string))?.key_hash).toBe(await sha256Hex(key));
    expect((await callApi("/v1/environments", { key })).status).toBe(200);
    expect((await callApi("/v1/environments", { key: old.key })).status).toBe(200);

    // Rotating the rotated key again is refused with a fixed message.
    const twice = await post(cookie, "/api-keys", `/api-keys/${old.id}/rotate`, [["grace_period_seconds", "0"]]);
    expect(twice.status).toBe(303);
    expect(twice.headers.get("location")).toBe("/api-keys?refused=API_KEY_INACTIVE");
  });

  it("gives a non-admin key no form and refuses its forged create, rotate and revoke, changing nothing", async () => {
    const ws = await createWorkspace();
    const target = await ws.key({ scopes: ["read"], name: "someone else" });
    const deployer = await ws.key({ scopes: ["read", "deploy", "promote"], name: "deployer" });
    const cookie = await signIn(deployer.key);
    const page = await call("/api-keys", { headers: { cookie } });
    expect(page.status).toBe(403);
    expect(page.body).toContain("This key may not manage API keys");
    expect(page.body).not.toContain('action="/api-keys"');
    expect(page.body).not.toContain(target.id);

    const before = await storageSnapshot();
    const csrf = csrfOf(page.body);
    const forge = (path: string, fields: Record<string, string>) =>
      call(path, { method: "POST", rawBody: new URLSearchParams({ csrf, ...fields }).toString(), headers: { ...FORM, cookie } });
    const created = await forge("/api-keys", { name: "escalate", scopes: "admin" });
    expect(created.status).toBe(403);
    expect(created.body).not.toMatch(/id="new-key"/);
    for (const refused of [await forge(`/api-keys/${target.id}/revoke`, {}), await forge(`/api-keys/${target.id}/rotate`, { grace_period_seconds: "0" })]) {
      expect(refused.status).toBe(303);
      expect(refused.headers.get("location")).toBe("/api-keys?refused=INSUFFICIENT_SCOPE");
    }
    expect((await call(`/api-keys/${target.id}/revoke`, { headers: { cookie } })).status).toBe(404);
    expect(await storageSnapshot()).toEqual(before);
  });

  it("lets a staging admin manage staging's keys only, and refuses a post without the CSRF token", async () => {
    const ws = await createWorkspace();
    const production = await ws.key({ environment: "production", scopes: ["read"], name: "prod reader" });
    const stagingAdmin = await ws.key({ environment: "staging", scopes: ["admin"], name: "staging admin" });
    const cookie = await signIn(stagingAdmin.key);
    const page = await call("/api-keys", { headers: { cookie } });
    expect(page.status).toBe(200);
    expect(page.body).not.toContain(production.id);
    expect(page.body).not.toContain("All environments (workspace key)");
    expect(page.body).toContain('<option value="staging"');
    expect(page.body).not.toContain('<option value="production"');
    expect((await call(`/api-keys/${production.id}/revoke`, { headers: { cookie } })).status).toBe(404);

    const before = await storageSnapshot();
    const forged = await post(cookie, "/api-keys", "/api-keys", [
      ["name", "sneaky"],
      ["environment", "production"],
      ["scopes", "admin"],
    ]);
    expect(forged.status).toBe(404);
    expect(forged.body).not.toMatch(/id="new-key"/);
    const noToken = await call(`/api-keys/${production.id}/revoke`, { method: "POST", rawBody: "", headers: { ...FORM, cookie } });
    expect(noToken.status).toBe(403);
    expect(await storageSnapshot()).toEqual(before);
  });
});
