import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { sha256Hex } from "../../src/lib/crypto";
import { appWithClock, call, createWorkspace, expectProblem, storageSnapshot } from "../harness";

describe("API key lifecycle", () => {
  it("a new key is shown once, stored only as a hash, and works in its environment", async () => {
    const ws = await createWorkspace();
    const created = await call("/v1/api-keys", {
      key: ws.adminKey,
      body: { name: "CI reader", environment: "staging", scopes: ["read"] },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: "CI reader", environment: "staging", scopes: ["read"], revoked_at: null });
    const secret: string = created.body.key;
    expect(secret).toMatch(/^sc_env_[0-9A-Za-z]{38}$/);
    expect(secret.startsWith(created.body.display_prefix)).toBe(true);

    const row = await env.DB.prepare("SELECT * FROM api_keys WHERE id = ?").bind(created.body.id).first<Record<string, unknown>>();
    expect(row?.key_hash).toBe(await sha256Hex(secret));
    expect(JSON.stringify(row)).not.toContain(secret);

    const fetched = await call(`/v1/api-keys/${created.body.id}`, { key: ws.adminKey });
    expect(fetched.status).toBe(200);
    expect(fetched.body).not.toHaveProperty("key");
    const listed = await call("/v1/api-keys", { key: ws.adminKey });
    expect(JSON.stringify(listed.body)).not.toContain(secret);

    const used = await call("/v1/environments/staging", { key: secret });
    expect(used.status).toBe(200);
    expect(used.body.name).toBe("staging");
  });

  it("X-API-KEY works like a bearer token", async () => {
    const ws = await createWorkspace();
    const res = await call("/v1/environments", { headers: { "x-api-key": ws.adminKey } });
    expect(res.status).toBe(200);
    expect(res.body.data.map((e: { name: string }) => e.name).sort()).toEqual(["development", "production", "staging"]);
  });

  it("rotation keeps the old key working through the grace period, then stops it", async () => {
    const ws = await createWorkspace();
    const clock = appWithClock(new Date());
    const old = await ws.key({ environment: "production", scopes: ["read"] });

    const rotated = await clock.call(`/v1/api-keys/${old.id}/rotate`, { key: ws.adminKey, body: { grace_period_seconds: 3600 } });
    expect(rotated.status).toBe(201);
    expect(rotated.body.key).not.toBe(old.key);
    expect(rotated.body).toMatchObject({ environment: "production", scopes: ["read"] });
    expect(rotated.body.previous_key).toMatchObject({ id: old.id, replaced_by: rotated.body.id });

    expect((await clock.call("/v1/environments/production", { key: old.key })).status).toBe(200);
    expect((await clock.call("/v1/environments/production", { key: rotated.body.key })).status).toBe(200);

    clock.advance(3599);
    expect((await clock.call("/v1/environments/production", { key: old.key })).status).toBe(200);
    clock.advance(2);
    expectProblem(await clock.call("/v1/environments/production", { key: old.key }), 401, "UNAUTHENTICATED");
    expect((await clock.call("/v1/environments/production", { key: rotated.body.key })).status).toBe(200);
  });

  it("rotation with no grace period stops the old key at once; the default grace is 24 hours", async () => {
    const ws = await createWorkspace();
    const now = new Date("2031-03-01T00:00:00.000Z");
    const clock = appWithClock(now);
    const a = await ws.key({ environment: "staging", scopes: ["read"] });
    const immediate = await clock.call(`/v1/api-keys/${a.id}/rotate`, { key: ws.adminKey, body: { grace_period_seconds: 0 } });
    expect(immediate.status).toBe(201);
    expectProblem(await clock.call("/v1/environments/staging", { key: a.key }), 401);

    const b = await ws.key({ environment: "staging", scopes: ["read"] });
    const byDefault = await clock.call(`/v1/api-keys/${b.id}/rotate`, { key: ws.adminKey, method: "POST" });
    expect(byDefault.status).toBe(201);
    expect(byDefault.body.previous_key.expires_at).toBe("2031-03-02T00:00:00.000Z");
  });

  it("a rotated key cannot be rotated again", async () => {
    const ws = await createWorkspace();
    const a = await ws.key({ environment: "staging", scopes: ["read"] });
    expect((await call(`/v1/api-keys/${a.id}/rotate`, { key: ws.adminKey, method: "POST" })).status).toBe(201);
    const before = await storageSnapshot();
    expectProblem(await call(`/v1/api-keys/${a.id}/rotate`, { key: ws.adminKey, method: "POST" }), 409, "API_KEY_INACTIVE");
    expect(await storageSnapshot()).toEqual(before);
  });

  it("revocation stops a key on the very next request", async () => {
    const ws = await createWorkspace();
    const k = await ws.key({ environment: "development", scopes: ["read"] });
    expect((await call("/v1/environments/development", { key: k.key })).status).toBe(200);

    const revoked = await call(`/v1/api-keys/${k.id}`, { key: ws.adminKey, method: "DELETE" });
    expect(revoked.status).toBe(200);
    expect(revoked.body.revoked_at).not.toBeNull();
    expectProblem(await call("/v1/environments/development", { key: k.key }), 401, "UNAUTHENTICATED");

    const row = await env.DB.prepare("SELECT revoked_at FROM api_keys WHERE id = ?").bind(k.id).first<{ revoked_at: string }>();
    expect(row?.revoked_at).toBe(revoked.body.revoked_at);
  });

  it("revoking twice changes nothing the second time", async () => {
    const ws = await createWorkspace();
    const k = await ws.key({ environment: "development", scopes: ["read"] });
    const first = await call(`/v1/api-keys/${k.id}`, { key: ws.adminKey, method: "DELETE" });
    const before = await storageSnapshot();
    const second = await call(`/v1/api-keys/${k.id}`, { key: ws.adminKey, method: "DELETE" });
    expect(second.status).toBe(200);
    expect(second.body.revoked_at).toBe(first.body.revoked_at);
    expect(await storageSnapshot()).toEqual(before);
  });

  it("an expired key fails", async () => {
    const ws = await createWorkspace();
    const clock = appWithClock(new Date());
    const expiresAt = new Date(Date.now() + 60_000).toISOString();
    const k = await ws.key({ environment: "staging", scopes: ["read"], expires_at: expiresAt });
    expect((await clock.call("/v1/environments/staging", { key: k.key })).status).toBe(200);
    clock.advance(61);
    expectProblem(await clock.call("/v1/environments/staging", { key: k.key }), 401, "UNAUTHENTICATED");
  });

  it("an expiry in the past is refused", async () => {
    const ws = await createWorkspace();
    const before = await storageSnapshot();
    const res = await call("/v1/api-keys", {
      key: ws.adminKey,
      body: { name: "late", environment: "staging", scopes: ["read"], expires_at: "2000-01-01T00:00:00Z" },
    });
    expect(expectProblem(res, 400, "VALIDATION_FAILED").errors).toEqual([{ path: "body.expires_at", message: "Must be in the future" }]);
    expect(await storageSnapshot()).toEqual(before);
  });

  it("a key with a broken checksum is refused without any lookup", async () => {
    const ws = await createWorkspace();
    const k = await ws.key({ environment: "staging", scopes: ["read"] });
    const last = k.key.at(-1) === "A" ? "B" : "A";
    const broken = k.key.slice(0, -1) + last;
    // Plant a live key under the broken token's hash, in KV and D1 alike: the
    // request can only be refused if the checksum stops it before any lookup.
    const brokenHash = await sha256Hex(broken);
    await env.DB.prepare("UPDATE api_keys SET key_hash = ? WHERE id = ?").bind(brokenHash, k.id).run();
    await env.EDGE.put(`api-key:${brokenHash}`, (await env.EDGE.get(`api-key:${await sha256Hex(k.key)}`))!);

    expectProblem(await call("/v1/environments/staging", { key: broken }), 401, "UNAUTHENTICATED");
  });

  it("a key whose cache entry was lost is found in D1 and cached again", async () => {
    const ws = await createWorkspace();
    const k = await ws.key({ environment: "staging", scopes: ["read"] });
    const cacheKey = `api-key:${await sha256Hex(k.key)}`;
    await env.EDGE.delete(cacheKey);
    expect((await call("/v1/environments/staging", { key: k.key })).status).toBe(200);
    expect(JSON.parse((await env.EDGE.get(cacheKey))!)).toMatchObject({ id: k.id, environment: { name: "staging" } });
  });

  it("an environment admin manages its own environment's keys and cannot mint workspace keys", async () => {
    const ws = await createWorkspace();
    const stagingAdmin = await ws.key({ environment: "staging", scopes: ["admin"] });
    const mine = await call("/v1/api-keys", { key: stagingAdmin.key, body: { name: "x", environment: "staging", scopes: ["execute"] } });
    expect(mine.status).toBe(201);
    const listed = await call("/v1/api-keys", { key: stagingAdmin.key });
    expect(listed.body.data.every((key: { environment: string }) => key.environment === "staging")).toBe(true);

    const before = await storageSnapshot();
    expectProblem(await call("/v1/api-keys", { key: stagingAdmin.key, body: { name: "y", scopes: ["admin"] } }), 403, "INSUFFICIENT_SCOPE");
    expectProblem(await call("/v1/api-keys", { key: stagingAdmin.key, body: { name: "y", environment: "production", scopes: ["read"] } }), 404, "NOT_FOUND");
    expect(await storageSnapshot()).toEqual(before);
  });
});
