import { env } from "cloudflare:workers";
import { base64url, SignJWT } from "jose";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { appWithClock, appWithVariables, call, createWorkspace, expectProblem, storageSnapshot, type TestWorkspace } from "../harness";
import { createSandbox, deploy } from "../lifecycle/fixtures";
import { AUDIENCE, type LocalIssuer, localIssuer, policyBody, serveLocalIssuers } from "./local-issuer";

beforeEach(() => serveLocalIssuers());
afterEach(() => vi.restoreAllMocks());

async function withPolicy(overrides: Record<string, unknown> = {}) {
  const ws = await createWorkspace("OIDC");
  const issuer = await localIssuer();
  const policy = await call("/v1/oidc/trust-policies", { key: ws.adminKey, body: policyBody(issuer, overrides) });
  expect(policy.status).toBe(201);
  return { ws, issuer, policy: policy.body };
}

const exchange = (token: string) => call("/v1/oidc/token", { body: { token } });

async function rowCount(sql: string, ...params: unknown[]) {
  const row = await env.DB.prepare(sql)
    .bind(...params)
    .first<{ n: number }>();
  return row!.n;
}

describe("POST /v1/oidc/token with a token a policy accepts", () => {
  it("issues a short-lived key limited to the policy's environment and scopes, which deploys to development and cannot reach production", async () => {
    const { ws, issuer, policy } = await withPolicy();
    const token = await issuer.sign();
    const before = Date.now();
    const res = await exchange(token);
    expect(res.status).toBe(201);
    expect(res.body.key).toMatch(/^sc_env_/);
    expect(res.body.policy).toEqual({ id: policy.id, name: "deploy from main" });
    expect(res.body.api_key).toMatchObject({ environment: "development", scopes: ["deploy", "read"], created_by: policy.id, expires_at: res.body.expires_at });
    expect(res.body.api_key.identity).toMatchObject({
      issuer: issuer.url,
      subject: "repo:acme/prompts:ref:refs/heads/main",
      repository: "acme/prompts",
      ref: "refs/heads/main",
      workflow_ref: "acme/prompts/.github/workflows/deploy.yml@refs/heads/main",
      event_name: "push",
      run_id: "4242",
      policy_id: policy.id,
    });
    const lifetime = Date.parse(res.body.expires_at) - before;
    expect(lifetime).toBeGreaterThan(890_000);
    expect(lifetime).toBeLessThanOrEqual(905_000);

    const ciKey = res.body.key as string;
    const sandbox = await createSandbox(ws);
    expect((await deploy(ws, sandbox.id, ["development"], {}, ciKey)).status).toBe(201);
    expectProblem(await deploy(ws, sandbox.id, ["production"], {}, ciKey), 404, "NOT_FOUND");
    // Neither admin nor anything outside its scopes.
    expectProblem(await call("/v1/api-keys", { key: ciKey }), 403, "INSUFFICIENT_SCOPE");
    expectProblem(await call("/v1/oidc/trust-policies", { key: ciKey }), 403, "INSUFFICIENT_SCOPE");
  });

  it("shows the CI identity in key listings and in the audit events of what the key did", async () => {
    const { ws, issuer } = await withPolicy();
    const res = await exchange(await issuer.sign({ jti: "run-4242-attempt-1" }));
    expect(res.status).toBe(201);
    const identity = res.body.api_key.identity;
    expect(identity.jti).toBe("run-4242-attempt-1");

    const keys = await call("/v1/api-keys", { key: ws.adminKey });
    const listed = keys.body.data.find((k: { id: string }) => k.id === res.body.api_key.id);
    expect(listed.identity).toEqual(identity);
    expect(keys.body.data.find((k: { id: string; identity: unknown }) => k.id !== res.body.api_key.id).identity).toBeNull();

    const sandbox = await createSandbox(ws);
    expect((await deploy(ws, sandbox.id, ["development"], {}, res.body.key)).status).toBe(201);
    const deployed = await call("/v1/audit-events?action=release.deployed", { key: ws.adminKey });
    expect(deployed.body.data).toHaveLength(1);
    expect(deployed.body.data[0].actor).toEqual({ type: "api_key", id: res.body.api_key.id, identity });

    const exchanged = await call("/v1/audit-events?action=oidc.token_exchanged", { key: ws.adminKey });
    expect(exchanged.body.data).toHaveLength(1);
    expect(exchanged.body.data[0]).toMatchObject({
      actor: { type: "api_key", id: res.body.api_key.id, identity },
      target: { type: "api_key", id: res.body.api_key.id },
      environment_id: ws.environments.development!.id,
      after: { repository: "acme/prompts", ref: "refs/heads/main", workflow_ref: "acme/prompts/.github/workflows/deploy.yml@refs/heads/main" },
    });
    // The key itself appears nowhere in the audit trail.
    expect(JSON.stringify((await call("/v1/audit-events", { key: ws.adminKey })).body)).not.toContain(res.body.key);
    // Keys of people keep the plain actor.
    const created = await call("/v1/audit-events?action=sandbox.created", { key: ws.adminKey });
    expect(created.body.data[0].actor).not.toHaveProperty("identity");
    expect((await call("/v1/audit-events/verify", { key: ws.adminKey })).body).toMatchObject({ valid: true });
  });

  it("a policy granting no environment issues a workspace key", async () => {
    const { issuer } = await withPolicy({ environment: null, scopes: ["read"], key_ttl_seconds: 120 });
    const res = await exchange(await issuer.sign());
    expect(res.status).toBe(201);
    expect(res.body.key).toMatch(/^sc_ws_/);
    expect(res.body.api_key).toMatchObject({ environment: null, scopes: ["read"] });
    expect(Date.parse(res.body.expires_at) - Date.now()).toBeLessThanOrEqual(120_000);
  });

  it("glob conditions match within a segment with * and across segments with **", async () => {
    const { ws, issuer } = await withPolicy({ conditions: { repository: "acme/*", ref: "refs/heads/release/**" } });
    expect((await exchange(await issuer.sign({ ref: "refs/heads/release/2026/q1" }))).status).toBe(201);
    expectProblem(await exchange(await issuer.sign({ repository: "acme/prompts/fork", ref: "refs/heads/release/x" })), 401, "OIDC_TOKEN_REJECTED");
    expectProblem(await exchange(await issuer.sign({ ref: "refs/heads/main" })), 401, "OIDC_TOKEN_REJECTED");
    expect(await rowCount("SELECT COUNT(*) AS n FROM api_keys WHERE workspace_id = ? AND identity IS NOT NULL", ws.id)).toBe(1);
  });

  it("two concurrent exchanges of one token issue one key", async () => {
    const { ws, issuer } = await withPolicy();
    const token = await issuer.sign();
    const results = await Promise.all([exchange(token), exchange(token), exchange(token)]);
    expect(results.map((r) => r.status).sort()).toEqual([201, 401, 401]);
    for (const refused of results.filter((r) => r.status === 401)) expectProblem(refused, 401, "OIDC_TOKEN_REJECTED");
    expect(await rowCount("SELECT COUNT(*) AS n FROM api_keys WHERE workspace_id = ? AND identity IS NOT NULL", ws.id)).toBe(1);
    expect(await rowCount("SELECT COUNT(*) AS n FROM oidc_used_tokens WHERE workspace_id = ?", ws.id)).toBe(1);
    expect(await rowCount("SELECT COUNT(*) AS n FROM audit_events WHERE workspace_id = ? AND action = 'oidc.token_exchanged'", ws.id)).toBe(1);
  });
});

describe("POST /v1/oidc/token refuses every bad token with 401 and issues nothing", () => {
  let ws: TestWorkspace;
  let issuer: LocalIssuer;

  beforeEach(async () => {
    ({ ws, issuer } = await withPolicy());
    // The issuer's keys are in this isolate's cache from a first, good exchange.
    expect((await exchange(await issuer.sign())).status).toBe(201);
  });

  async function expectRefused(token: string, detail: RegExp) {
    const before = await storageSnapshot();
    const res = await exchange(token);
    const problem = expectProblem(res, 401, "OIDC_TOKEN_REJECTED");
    expect(problem.detail).toMatch(detail);
    expect(JSON.stringify(problem)).not.toContain(token);
    expect(await storageSnapshot()).toEqual(before);
  }

  const now = () => Math.floor(Date.now() / 1000);

  it("an expired token", async () => {
    await expectRefused(await issuer.sign({ iat: now() - 900, nbf: now() - 900, exp: now() - 120 }), /expired/);
  });

  it("a token not yet valid, and one issued in the future", async () => {
    await expectRefused(await issuer.sign({ nbf: now() + 600 }), /"nbf"/);
    await expectRefused(await issuer.sign({ iat: now() + 600, nbf: now() }), /"iat"/);
  });

  it("a token older than an hour, though unexpired", async () => {
    await expectRefused(await issuer.sign({ iat: now() - 2 * 3600, nbf: now() - 2 * 3600, exp: now() + 600 }), /too old/);
  });

  it("a token for another audience", async () => {
    await expectRefused(await issuer.sign({ aud: "sts.amazonaws.com" }), /"aud"/);
  });

  it("a token of an issuer no policy trusts, without contacting it", async () => {
    const stranger = await localIssuer();
    await expectRefused(await stranger.sign(), /No trust policy/);
    expect(stranger.fetches).toEqual({ discovery: 0, jwks: 0 });
  });

  it("a token whose iss is a trusted issuer but signed by a key the issuer never published", async () => {
    const impostor = await localIssuer();
    const forged = await impostor.sign({ iss: issuer.url }, { kid: "k1" });
    await expectRefused(forged, /signature/);
  });

  it('a token with alg "none"', async () => {
    const header = base64url.encode(JSON.stringify({ alg: "none", typ: "JWT" }));
    const payload = base64url.encode(
      JSON.stringify({ iss: issuer.url, aud: AUDIENCE, repository: "acme/prompts", ref: "refs/heads/main", jti: "x", iat: now(), exp: now() + 300 }),
    );
    await expectRefused(`${header}.${payload}.`, /algorithm/);
  });

  it("an HS256 token signed with the issuer's public key as the secret", async () => {
    const secret = new TextEncoder().encode(await issuer.publicKeyPem());
    const forged = await new SignJWT({ iss: issuer.url, aud: AUDIENCE, repository: "acme/prompts", ref: "refs/heads/main", jti: crypto.randomUUID() })
      .setProtectedHeader({ alg: "HS256", kid: "k1" })
      .setIssuedAt()
      .setExpirationTime("5m")
      .sign(secret);
    await expectRefused(forged, /algorithm/);
  });

  it("a token with a tampered payload", async () => {
    const [header, , signature] = (await issuer.sign({ repository: "acme/other" })).split(".");
    const payload = base64url.encode(
      JSON.stringify({ iss: issuer.url, aud: AUDIENCE, repository: "acme/prompts", ref: "refs/heads/main", jti: "tampered", iat: now(), exp: now() + 300 }),
    );
    await expectRefused(`${header}.${payload}.${signature}`, /signature/);
  });

  it("a replayed token (same jti)", async () => {
    const token = await issuer.sign();
    expect((await exchange(token)).status).toBe(201);
    await expectRefused(token, /exchanged before/);
    await expectRefused(await issuer.sign({ jti: JSON.parse(atob(token.split(".")[1]!.replaceAll("-", "+").replaceAll("_", "/"))).jti }), /exchanged before/);
  });

  it("a token without a jti", async () => {
    await expectRefused(await issuer.sign({ jti: undefined }), /"jti"/);
  });

  it("a token whose claims match no policy", async () => {
    await expectRefused(await issuer.sign({ repository: "mallory/prompts" }), /match no trust policy/);
    await expectRefused(await issuer.sign({ ref: 7 }), /match no trust policy/);
  });

  it("a token two policies accept is refused rather than given either's grant", async () => {
    expect(
      (
        await call("/v1/oidc/trust-policies", {
          key: ws.adminKey,
          body: policyBody(issuer, { name: "broad", conditions: { repository_owner: "acme" }, environment: "production" }),
        })
      ).status,
    ).toBe(201);
    await expectRefused(await issuer.sign(), /more than one trust policy/);
  });

  it("a token with a kid the issuer does not publish", async () => {
    const stranger = await localIssuer();
    const unpublished = await stranger.sign({ iss: issuer.url }, { kid: "k-unknown" });
    await expectRefused(unpublished, /signing key is not among/);
  });

  it("garbage that is not a JWT", async () => {
    await expectRefused("not-a-jwt", /well-formed/);
    await expectRefused(ws.adminKey, /well-formed/);
  });
});

describe("the issuer's signing keys", () => {
  it("are read again on an unknown kid, at most once per 30 s, and a rotated key is accepted after the refresh", async () => {
    const start = new Date();
    const app = appWithClock(start);
    const { issuer } = await withPolicy();
    const at = (seconds: number) => Math.floor(start.getTime() / 1000) + seconds;
    const exchangeAt = (token: string) => app.call("/v1/oidc/token", { body: { token } });

    expect((await exchangeAt(await issuer.sign({}, { at: at(0) }))).status).toBe(201);
    expect(issuer.fetches.jwks).toBe(1);

    // Within the cooldown, an unknown kid is refused without asking the issuer.
    await issuer.rotate();
    expectProblem(await exchangeAt(await issuer.sign({}, { at: at(0) })), 401, "OIDC_TOKEN_REJECTED");
    expect(issuer.fetches.jwks).toBe(1);

    // After it, one refresh finds the rotated key.
    app.advance(31);
    expect((await exchangeAt(await issuer.sign({}, { at: at(31) }))).status).toBe(201);
    expect(issuer.fetches.jwks).toBe(2);

    // A kid the issuer never publishes: one refresh, then refused; at once again: refused without another.
    app.advance(31);
    const stranger = await localIssuer();
    expectProblem(await exchangeAt(await stranger.sign({ iss: issuer.url }, { kid: "k-never", at: at(62) })), 401, "OIDC_TOKEN_REJECTED");
    expect(issuer.fetches.jwks).toBe(3);
    expectProblem(await exchangeAt(await stranger.sign({ iss: issuer.url }, { kid: "k-never", at: at(62) })), 401, "OIDC_TOKEN_REJECTED");
    expect(issuer.fetches.jwks).toBe(3);
  });

  it("an issuer whose discovery or keys cannot be fetched refuses the token with 401, not 500", async () => {
    const ws = await createWorkspace("Unreachable issuer");
    const policy = await call("/v1/oidc/trust-policies", {
      key: ws.adminKey,
      body: { name: "gone", issuer: "https://gone.test", audience: AUDIENCE, conditions: { repository: "acme/prompts" }, scopes: ["read"] },
    });
    expect(policy.status).toBe(201);
    const stranger = await localIssuer();
    const before = await storageSnapshot();
    const res = await exchange(await stranger.sign({ iss: "https://gone.test" }));
    expect(expectProblem(res, 401, "OIDC_TOKEN_REJECTED").detail).toMatch(/could not be obtained/);
    expect(await storageSnapshot()).toEqual(before);
  });
});

describe("plain-http and loopback issuers", () => {
  it("are accepted outside production, and refused in production without contacting them", async () => {
    const ws = await createWorkspace("Local CI");
    const local = await localIssuer("http://127.0.0.1:8799");
    expect((await call("/v1/oidc/trust-policies", { key: ws.adminKey, body: policyBody(local) })).status).toBe(201);
    const production = appWithVariables({ STAGE: "production" });
    const before = await storageSnapshot();
    expectProblem(await production.call("/v1/oidc/token", { body: { token: await local.sign() } }), 401, "OIDC_TOKEN_REJECTED");
    expect(await storageSnapshot()).toEqual(before);
    expect(local.fetches.discovery).toBe(0);
    expect((await exchange(await local.sign())).status).toBe(201);

    const refused = await production.call("/v1/oidc/trust-policies", { key: ws.adminKey, body: policyBody(local, { name: "in prod" }) });
    expect(expectProblem(refused, 400, "VALIDATION_FAILED").errors).toEqual([{ path: "body.issuer", message: expect.stringMatching(/https/) }]);
  });
});

describe("POST /v1/oidc/token with a malformed body", () => {
  it.each([
    ["no token", {}],
    ["a token that is not a string", { token: 42 }],
    ["an empty token", { token: "" }],
  ])("%s → 400 naming body.token, nothing changed", async (_, body) => {
    const before = await storageSnapshot();
    const problem = expectProblem(await call("/v1/oidc/token", { body }), 400, "VALIDATION_FAILED");
    expect((problem.errors as { path: string }[]).map((e) => e.path)).toEqual(["body.token"]);
    expect(await storageSnapshot()).toEqual(before);
  });
});
