import { decodeJwt, decodeProtectedHeader, errors, type JWTPayload, jwtVerify } from "jose";
import type { Deps } from "../context";
import { fail, ok, type Result } from "../lib/result";
import { IssuerUnavailable, issuerKeyResolver } from "./issuer-keys";
import { issuerUrlProblem } from "./issuer-url";

/** Asymmetric signatures only: never `none`, never an HMAC (which a public key could be abused to forge). */
export const ACCEPTED_ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA", "Ed25519"];
/** Tolerated difference between the issuer's clock and ours, for `exp`, `nbf` and `iat`. */
export const CLOCK_SKEW_SECONDS = 60;
/** A token is refused this long after it was issued, whatever its `exp`. */
export const MAX_TOKEN_AGE_SECONDS = 3_600;

/** A token whose signature and time claims verified; its audience and other claims are still to be matched. */
export interface VerifiedToken {
  issuer: string;
  jti: string;
  /** The token's expiry, as epoch seconds. */
  exp: number;
  claims: JWTPayload & Record<string, unknown>;
}

/** Every refusal is the same 401; the detail says why in general terms, never quoting the token. */
export const rejected = (detail: string) => fail("OIDC_TOKEN_REJECTED", detail);

function joseRefusal(error: unknown): string | null {
  if (error instanceof IssuerUnavailable) return `The issuer's signing keys could not be obtained: ${error.message}`;
  if (error instanceof errors.JWTExpired) return error.claim === "iat" ? "The token is too old: it was issued more than an hour ago" : "The token has expired";
  if (error instanceof errors.JWTClaimValidationFailed) return `The token's "${error.claim}" claim is not acceptable (${error.reason})`;
  if (error instanceof errors.JOSEAlgNotAllowed) return "The token's algorithm is not accepted: only asymmetric signatures are";
  if (error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JWKSMultipleMatchingKeys) return "The token's signing key is not among the issuer's published keys";
  if (error instanceof errors.JWSSignatureVerificationFailed) return "The token's signature does not verify";
  if (error instanceof errors.JOSEError) return "The token could not be verified";
  return null;
}

/**
 * Verifies a CI provider's OIDC token against its issuer's published keys:
 * signature (asymmetric algorithms only), `iss`, `aud` (one of
 * `audiences`), `exp`, `nbf` and `iat` within {@link CLOCK_SKEW_SECONDS},
 * at most {@link MAX_TOKEN_AGE_SECONDS} old, with a `jti`. Call it only for
 * an issuer some trust policy names: it fetches from the issuer.
 */
export async function verifyOidcToken(deps: Pick<Deps, "config" | "now">, token: string, issuer: string, audiences: string[]): Promise<Result<VerifiedToken>> {
  try {
    const { payload } = await jwtVerify(token, issuerKeyResolver(issuer, deps.config.stage, deps.now), {
      algorithms: ACCEPTED_ALGORITHMS,
      issuer,
      audience: audiences,
      clockTolerance: CLOCK_SKEW_SECONDS,
      maxTokenAge: MAX_TOKEN_AGE_SECONDS,
      currentDate: deps.now(),
      requiredClaims: ["exp", "iat", "jti"],
    });
    if (typeof payload.jti !== "string" || payload.jti.length === 0 || payload.jti.length > 256) return rejected('The token\'s "jti" claim is not acceptable');
    return ok({ issuer, jti: payload.jti, exp: payload.exp!, claims: payload as VerifiedToken["claims"] });
  } catch (error) {
    const refusal = joseRefusal(error);
    if (refusal === null) throw error;
    return rejected(refusal);
  }
}

/**
 * What can be read of a token before it is verified, to find the policies
 * that might accept it. Nothing read here is trusted until
 * {@link verifyOidcToken} has checked the signature.
 */
export function peekUnverified(deps: Pick<Deps, "config">, token: string): Result<{ issuer: string }> {
  let header: ReturnType<typeof decodeProtectedHeader>;
  let payload: JWTPayload;
  try {
    header = decodeProtectedHeader(token);
    payload = decodeJwt(token);
  } catch {
    return rejected("The token is not a well-formed JWT");
  }
  if (typeof header.alg !== "string" || !ACCEPTED_ALGORITHMS.includes(header.alg)) return rejected("The token's algorithm is not accepted: only asymmetric signatures are");
  if (typeof payload.iss !== "string") return rejected('The token has no "iss" claim');
  if (issuerUrlProblem(payload.iss, deps.config.stage) !== null) return rejected("The token's issuer is not an acceptable issuer URL here");
  return ok({ issuer: payload.iss });
}
