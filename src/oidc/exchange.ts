import { apiKeyView, type IssuedApiKey, issueKey, storedRow } from "../access/api-keys";
import { insertApiKey } from "../access/repository";
import { commitWithAudit } from "../audit/audit-log";
import type { Deps, Scope } from "../context";
import { isUniqueViolation } from "../db/d1-errors";
import type { KeyIdentity } from "../db/schema";
import { toCachedKey, writeCachedKey } from "../edge/key-entries";
import { log } from "../lib/log";
import { ok, type Result } from "../lib/result";
import { conditionsHold } from "./claim-pattern";
import { insertUsedToken, listPoliciesTrustingIssuer, type TrustPolicyWithEnvironment } from "./repository";
import { CLOCK_SKEW_SECONDS, peekUnverified, rejected, type VerifiedToken, verifyOidcToken } from "./verify-token";

export interface TokenExchange {
  key: string;
  api_key: Omit<IssuedApiKey, "key">;
  expires_at: string;
  policy: { id: string; name: string };
}

function audiencesOf(claims: VerifiedToken["claims"]): string[] {
  return typeof claims.aud === "string" ? [claims.aud] : Array.isArray(claims.aud) ? claims.aud : [];
}

const stringClaim = (claims: Record<string, unknown>, name: string) => (typeof claims[name] === "string" ? (claims[name] as string) : null);

function identityOf(token: VerifiedToken, policyId: string): KeyIdentity {
  const { claims } = token;
  return {
    issuer: token.issuer,
    subject: stringClaim(claims, "sub") ?? "",
    repository: stringClaim(claims, "repository"),
    ref: stringClaim(claims, "ref"),
    workflow_ref: stringClaim(claims, "workflow_ref"),
    event_name: stringClaim(claims, "event_name"),
    run_id: stringClaim(claims, "run_id"),
    jti: token.jti,
    policy_id: policyId,
  };
}

/**
 * Exchanges a CI provider's OIDC token for a short-lived API key.
 *
 * Only issuers some trust policy names are ever contacted. The token must
 * verify (see verify-token.ts) and its claims must match exactly one policy
 * (issuer, an audience the token carries, every condition): a token two
 * policies accept is refused rather than given either's grant, so adding a
 * policy can never silently change what an existing pipeline receives.
 * The token's `jti` is recorded in the same batch that issues the key, and
 * its primary key lets one token be exchanged only once, even concurrently.
 */
export async function exchangeOidcToken(deps: Deps, token: string): Promise<Result<TokenExchange>> {
  const peeked = peekUnverified(deps, token);
  if (!peeked.ok) return peeked;
  const { issuer } = peeked.value;
  const trusting = await listPoliciesTrustingIssuer(deps.db, issuer);
  if (trusting.length === 0) return rejected("No trust policy accepts tokens of this issuer");

  const verified = await verifyOidcToken(deps, token, issuer, [...new Set(trusting.map((p) => p.audience))]);
  if (!verified.ok) {
    log.info("oidc token rejected", { issuer, reason: verified.error.detail });
    return verified;
  }
  const audiences = audiencesOf(verified.value.claims);
  const matching = trusting.filter((policy) => audiences.includes(policy.audience) && conditionsHold(policy.conditions, verified.value.claims));
  if (matching.length === 0) return rejected("The token's claims match no trust policy");
  if (matching.length > 1) return rejected("The token's claims match more than one trust policy; narrow their conditions so one applies");
  const policy = matching[0] as TrustPolicyWithEnvironment;
  if (policy.environmentId !== null && policy.environmentName === null) return rejected("The matching trust policy grants an environment that no longer exists");
  return issueFor(deps, policy, verified.value);
}

async function issueFor(deps: Deps, policy: TrustPolicyWithEnvironment, token: VerifiedToken): Promise<Result<TokenExchange>> {
  const now = deps.now();
  const identity = identityOf(token, policy.id);
  const expiresAt = new Date(now.getTime() + policy.keyTtlSeconds * 1000).toISOString();
  const { row, token: key } = await issueKey(deps, {
    workspaceId: policy.workspaceId,
    environment: policy.environmentId && policy.environmentName ? { id: policy.environmentId, name: policy.environmentName } : null,
    name: `OIDC: ${identity.repository ?? identity.subject}`.slice(0, 100),
    scopes: policy.scopes as Scope[],
    expiresAt,
    createdBy: policy.id,
    identity,
  });
  const view = apiKeyView(row);
  const policyRef = { id: policy.id, name: policy.name };
  try {
    await commitWithAudit(
      deps,
      policy.workspaceId,
      [
        insertUsedToken(deps.db, {
          issuer: token.issuer,
          jti: token.jti,
          workspaceId: policy.workspaceId,
          keyId: row.id,
          expiresAt: new Date((token.exp + CLOCK_SKEW_SECONDS) * 1000).toISOString(),
          usedAt: now.toISOString(),
        }),
        insertApiKey(deps.db, storedRow(row)),
      ],
      {
        // The CI run acts through the key it is being issued: the exchange is the first thing that key causes.
        actor: { type: "api_key", id: row.id, identity },
        action: "oidc.token_exchanged",
        targetType: "api_key",
        targetId: row.id,
        environmentId: row.environmentId,
        before: null,
        after: { api_key: view, policy: policyRef, repository: identity.repository, ref: identity.ref, workflow_ref: identity.workflow_ref },
      },
    );
  } catch (error) {
    if (isUniqueViolation(error, "oidc_used_tokens.issuer, oidc_used_tokens.jti")) return rejected("The token has been exchanged before; each token is accepted once");
    throw error;
  }
  await writeCachedKey(deps, row.keyHash, toCachedKey(row));
  return ok({ key, api_key: view, expires_at: expiresAt, policy: policyRef });
}
