import { createLocalJWKSet, errors, type JSONWebKeySet, type JWTVerifyGetKey } from "jose";
import type { Config } from "../config";
import { BoundedMap } from "../lib/bounded-map";
import { issuerUrlProblem } from "./issuer-url";

/** An issuer's signing keys are read again at least this often. */
export const JWKS_MAX_AGE_MS = 10 * 60_000;
/** A token naming an unknown `kid` makes the keys be read again, but at most this often per issuer. */
export const JWKS_REFRESH_COOLDOWN_MS = 30_000;
const FETCH_TIMEOUT_MS = 5_000;
const MAX_DOCUMENT_BYTES = 64 * 1024;

/** The issuer's discovery document or keys could not be read or made no sense; says why, without secrets. */
export class IssuerUnavailable extends Error {}

interface IssuerKeys {
  getKey: JWTVerifyGetKey;
  fetchedAt: number;
}

/**
 * Signing keys by issuer, in this isolate's memory: a cache, so every
 * isolate reads an issuer's keys on its own first exchange and again after
 * {@link JWKS_MAX_AGE_MS}. A key the issuer removed keeps verifying here for
 * at most that long, which is the usual JWKS caching trade-off.
 */
const cache = new BoundedMap<string, IssuerKeys>(100);
const loading = new Map<string, Promise<IssuerKeys>>();

async function fetchJson(url: string, what: string): Promise<unknown> {
  let response: Response;
  try {
    response = await fetch(url, { headers: { accept: "application/json" }, redirect: "manual", signal: AbortSignal.timeout(FETCH_TIMEOUT_MS) });
  } catch {
    throw new IssuerUnavailable(`the issuer's ${what} could not be fetched`);
  }
  if (response.status !== 200) {
    await response.body?.cancel();
    throw new IssuerUnavailable(`the issuer's ${what} answered ${response.status}`);
  }
  const text = await response.text();
  if (text.length > MAX_DOCUMENT_BYTES) throw new IssuerUnavailable(`the issuer's ${what} is too large`);
  try {
    return JSON.parse(text);
  } catch {
    throw new IssuerUnavailable(`the issuer's ${what} is not JSON`);
  }
}

/** Reads `<issuer>/.well-known/openid-configuration`, then the key set its `jwks_uri` names. */
async function load(issuer: string, stage: Config["stage"], now: number): Promise<IssuerKeys> {
  const discovery = (await fetchJson(`${issuer.replace(/\/+$/, "")}/.well-known/openid-configuration`, "discovery document")) as Record<string, unknown> | null;
  if (typeof discovery !== "object" || discovery === null || discovery.issuer !== issuer) {
    throw new IssuerUnavailable("the issuer's discovery document names another issuer");
  }
  const jwksUri = discovery.jwks_uri;
  if (typeof jwksUri !== "string" || issuerUrlProblem(jwksUri, stage) !== null) throw new IssuerUnavailable("the issuer's discovery document has no acceptable jwks_uri");
  const jwks = await fetchJson(jwksUri, "key set");
  let getKey: JWTVerifyGetKey;
  try {
    getKey = createLocalJWKSet(jwks as JSONWebKeySet);
  } catch {
    throw new IssuerUnavailable("the issuer's key set is not a JWK set");
  }
  const keys: IssuerKeys = { getKey, fetchedAt: now };
  cache.set(issuer, keys);
  return keys;
}

/** One load per issuer at a time: concurrent exchanges share it. */
function loadOnce(issuer: string, stage: Config["stage"], now: number): Promise<IssuerKeys> {
  const pending = loading.get(issuer);
  if (pending) return pending;
  const started = load(issuer, stage, now).finally(() => loading.delete(issuer));
  loading.set(issuer, started);
  return started;
}

/**
 * The key resolver for tokens of `issuer`, for jose's `jwtVerify`: cached
 * keys while fresh; on a `kid` the cached set lacks, one reload (unless the
 * keys were read less than {@link JWKS_REFRESH_COOLDOWN_MS} ago), then the
 * token is refused if the key is still unknown.
 */
export function issuerKeyResolver(issuer: string, stage: Config["stage"], now: () => Date): JWTVerifyGetKey {
  return async (header, token) => {
    const at = now().getTime();
    let keys = cache.get(issuer);
    if (!keys || at - keys.fetchedAt >= JWKS_MAX_AGE_MS || at < keys.fetchedAt) keys = await loadOnce(issuer, stage, at);
    try {
      return await keys.getKey(header, token);
    } catch (error) {
      if (!(error instanceof errors.JWKSNoMatchingKey) || at - keys.fetchedAt < JWKS_REFRESH_COOLDOWN_MS) throw error;
      keys = await loadOnce(issuer, stage, at);
      return keys.getKey(header, token);
    }
  };
}
