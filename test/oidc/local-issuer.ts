import { exports } from "cloudflare:workers";
import { type CryptoKey, exportJWK, exportSPKI, generateKeyPair, type JWK, type JWTPayload, SignJWT } from "jose";
import { vi } from "vitest";

/**
 * An OIDC issuer without a network: its discovery document and key set are
 * served through a spy on the runtime's fetch, which the Worker under test
 * shares with the test. Keys are made with jose.
 */
export interface LocalIssuer {
  url: string;
  /** How many times the Worker fetched the discovery document and the key set. */
  fetches: { discovery: number; jwks: number };
  /** Signs claims (merged over GitHub-like defaults) with the issuer's current key, or as `options` say. */
  sign(claims?: JWTPayload & Record<string, unknown>, options?: SignOptions): Promise<string>;
  /** Makes a new key, publishes it beside the old ones, and signs with it from now on. */
  rotate(): Promise<void>;
  /** The current key's public half as PEM, for forging an HS256 token with it. */
  publicKeyPem(): Promise<string>;
}

export interface SignOptions {
  /** The key id put in the header; default the current key's. */
  kid?: string;
  /** Sign with this private key instead (e.g. one the issuer never published). */
  privateKey?: CryptoKey;
  /** Seconds since the epoch that `iat`, `nbf` and `exp` are relative to; default now. */
  at?: number;
}

const issuers = new Map<string, { discovery: () => Response; jwks: () => Response }>();

/** Routes the runtime's fetch: the Worker's own host to the Worker, local issuers to themselves; anything else fails. */
export function serveLocalIssuers() {
  vi.spyOn(globalThis, "fetch").mockImplementation(async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(input, init);
    if (request.url.startsWith("https://stagecraft.test")) return exports.default.fetch(request);
    const url = new URL(request.url);
    const issuer = issuers.get(url.origin);
    if (issuer && url.pathname === "/.well-known/openid-configuration") return issuer.discovery();
    if (issuer && url.pathname === "/keys") return issuer.jwks();
    throw new Error(`unexpected network call to ${request.url}`);
  });
}

export const AUDIENCE = "https://stagecraft.test";

export async function localIssuer(origin = `https://issuer-${crypto.randomUUID().slice(0, 8)}.test`): Promise<LocalIssuer> {
  const published: JWK[] = [];
  let current: { kid: string; privateKey: CryptoKey; publicKey: CryptoKey };
  const fetches = { discovery: 0, jwks: 0 };
  const addKey = async () => {
    const { privateKey, publicKey } = await generateKeyPair("RS256", { extractable: true });
    const kid = `k${published.length + 1}`;
    published.push({ ...(await exportJWK(publicKey)), kid, alg: "RS256", use: "sig" });
    current = { kid, privateKey, publicKey };
  };
  await addKey();
  issuers.set(origin, {
    discovery: () => {
      fetches.discovery++;
      return Response.json({ issuer: origin, jwks_uri: `${origin}/keys`, id_token_signing_alg_values_supported: ["RS256"] });
    },
    jwks: () => {
      fetches.jwks++;
      return Response.json({ keys: published });
    },
  });
  return {
    url: origin,
    fetches,
    async sign(claims = {}, options = {}) {
      const at = options.at ?? Math.floor(Date.now() / 1000);
      const payload = {
        iss: origin,
        aud: AUDIENCE,
        sub: "repo:acme/prompts:ref:refs/heads/main",
        repository: "acme/prompts",
        repository_owner: "acme",
        ref: "refs/heads/main",
        workflow_ref: "acme/prompts/.github/workflows/deploy.yml@refs/heads/main",
        event_name: "push",
        run_id: "4242",
        environment: "development",
        jti: crypto.randomUUID(),
        iat: at,
        nbf: at,
        exp: at + 300,
        ...claims,
      };
      return new SignJWT(payload).setProtectedHeader({ alg: "RS256", kid: options.kid ?? current.kid, typ: "JWT" }).sign(options.privateKey ?? current.privateKey);
    },
    rotate: addKey,
    publicKeyPem: () => exportSPKI(current.publicKey),
  };
}

/** A GitHub-like trust policy for `issuer`, as the create body. */
export function policyBody(issuer: LocalIssuer, overrides: Record<string, unknown> = {}) {
  return {
    name: "deploy from main",
    issuer: issuer.url,
    audience: AUDIENCE,
    conditions: { repository: "acme/prompts", ref: "refs/heads/main" },
    environment: "development",
    scopes: ["deploy", "read"],
    ...overrides,
  };
}
