import { requireScope } from "../access/permissions";
import { actorOf, commitWithAudit } from "../audit/audit-log";
import type { Deps, Principal, Scope } from "../context";
import { findEnvironmentByName } from "../environments/repository";
import { decodeCursor, toPage } from "../lib/pagination";
import type { FieldIssue } from "../lib/problem";
import { fail, ok, type Result } from "../lib/result";
import { issuerUrlProblem } from "./issuer-url";
import { deleteTrustPolicy, findTrustPolicy, insertTrustPolicy, listTrustPolicies, type TrustPolicyRow, type TrustPolicyWithEnvironment, updateTrustPolicy } from "./repository";

/**
 * Trust policies are workspace-wide: only workspace keys with `admin` manage
 * them. An environment key is refused with 403 whatever its scopes, as for
 * other workspace-wide operations.
 */

export const DEFAULT_KEY_TTL_SECONDS = 900;

/** What a policy may grant: every scope but `admin`. */
export type GrantableScope = Exclude<Scope, "admin">;

export function trustPolicyView(row: TrustPolicyWithEnvironment) {
  return {
    id: row.id,
    name: row.name,
    issuer: row.issuer,
    audience: row.audience,
    conditions: row.conditions,
    environment: row.environmentName,
    scopes: row.scopes as GrantableScope[],
    key_ttl_seconds: row.keyTtlSeconds,
    created_at: row.createdAt,
    created_by: row.createdBy,
    updated_at: row.updatedAt,
  };
}
export type TrustPolicyView = ReturnType<typeof trustPolicyView>;

export interface TrustPolicyInput {
  name: string;
  issuer: string;
  audience: string;
  conditions: Record<string, string>;
  environment?: string | null | undefined;
  scopes: GrantableScope[];
  key_ttl_seconds?: number | undefined;
}

const workspaceAdmin = (principal: Principal) => requireScope(principal, "admin", null);

function issuerFailure(deps: Deps, issuer: string) {
  const problem = issuerUrlProblem(issuer, deps.config.stage);
  return problem === null ? null : fail("VALIDATION_FAILED", `The issuer is not acceptable: ${problem}`, [{ path: "body.issuer", message: problem }]);
}

/** The environment a policy grants, by name; null for a workspace key. */
async function grantedEnvironment(deps: Deps, principal: Principal, name: string | null): Promise<Result<{ id: string; name: string } | null>> {
  if (name === null) return ok(null);
  const env = await findEnvironmentByName(deps.db, principal.workspaceId, name);
  const issue: FieldIssue = { path: "body.environment", message: "Unknown environment" };
  return env ? ok({ id: env.id, name: env.name }) : fail("NOT_FOUND", `No environment named "${name}"`, [issue]);
}

export async function createTrustPolicy(deps: Deps, principal: Principal, input: TrustPolicyInput): Promise<Result<TrustPolicyView>> {
  const access = workspaceAdmin(principal);
  if (!access.ok) return access;
  const badIssuer = issuerFailure(deps, input.issuer);
  if (badIssuer) return badIssuer;
  const env = await grantedEnvironment(deps, principal, input.environment ?? null);
  if (!env.ok) return env;
  const now = deps.now().toISOString();
  const row: TrustPolicyWithEnvironment = {
    id: deps.newId("oidcTrustPolicy"),
    workspaceId: principal.workspaceId,
    name: input.name,
    issuer: input.issuer,
    audience: input.audience,
    conditions: input.conditions,
    environmentId: env.value?.id ?? null,
    environmentName: env.value?.name ?? null,
    scopes: [...new Set(input.scopes)],
    keyTtlSeconds: input.key_ttl_seconds ?? DEFAULT_KEY_TTL_SECONDS,
    createdAt: now,
    createdBy: principal.keyId,
    updatedAt: now,
  };
  const view = trustPolicyView(row);
  await commitWithAudit(deps, principal.workspaceId, [insertTrustPolicy(deps.db, storedPolicy(row))], {
    actor: actorOf(principal),
    action: "oidc_trust_policy.created",
    targetType: "oidc_trust_policy",
    targetId: row.id,
    environmentId: null,
    before: null,
    after: view,
  });
  return ok(view);
}

function storedPolicy({ environmentName: _, ...row }: TrustPolicyWithEnvironment): TrustPolicyRow {
  return row;
}

/** The workspace's policies, oldest first: the order in which the exchange considers them. */
export async function listTrustPoliciesFor(deps: Deps, principal: Principal, query: { cursor?: string | undefined; limit: number }) {
  const access = workspaceAdmin(principal);
  if (!access.ok) return access;
  const list = { name: "oidc-trust-policies" };
  const after = decodeCursor<string>(query.cursor, "string", list);
  if (!after.ok) return after;
  const rows = await listTrustPolicies(deps.db, principal.workspaceId, after.value, query.limit + 1);
  return ok(toPage(rows, query.limit, (row) => row.id, trustPolicyView, list));
}

async function administeredPolicy(deps: Deps, principal: Principal, id: string): Promise<Result<TrustPolicyWithEnvironment>> {
  const access = workspaceAdmin(principal);
  if (!access.ok) return access;
  const row = await findTrustPolicy(deps.db, principal.workspaceId, id);
  return row ? ok(row) : fail("NOT_FOUND", `No trust policy with id "${id}"`);
}

export async function getTrustPolicy(deps: Deps, principal: Principal, id: string): Promise<Result<TrustPolicyView>> {
  const found = await administeredPolicy(deps, principal, id);
  return found.ok ? ok(trustPolicyView(found.value)) : found;
}

/** Changes any of a policy's fields; keys already issued under it keep what they were given until they expire. */
export async function changeTrustPolicy(deps: Deps, principal: Principal, id: string, changes: Partial<TrustPolicyInput>): Promise<Result<TrustPolicyView>> {
  const found = await administeredPolicy(deps, principal, id);
  if (!found.ok) return found;
  const before = found.value;
  if (changes.issuer !== undefined) {
    const badIssuer = issuerFailure(deps, changes.issuer);
    if (badIssuer) return badIssuer;
  }
  let environment = before.environmentId === null ? null : { id: before.environmentId, name: before.environmentName };
  if (changes.environment !== undefined) {
    const env = await grantedEnvironment(deps, principal, changes.environment);
    if (!env.ok) return env;
    environment = env.value;
  }
  const after: TrustPolicyWithEnvironment = {
    ...before,
    name: changes.name ?? before.name,
    issuer: changes.issuer ?? before.issuer,
    audience: changes.audience ?? before.audience,
    conditions: changes.conditions ?? before.conditions,
    environmentId: environment?.id ?? null,
    environmentName: environment?.name ?? null,
    scopes: changes.scopes ? [...new Set(changes.scopes)] : before.scopes,
    keyTtlSeconds: changes.key_ttl_seconds ?? before.keyTtlSeconds,
    updatedAt: deps.now().toISOString(),
  };
  await commitWithAudit(deps, principal.workspaceId, [updateTrustPolicy(deps.db, storedPolicy(after))], {
    actor: actorOf(principal),
    action: "oidc_trust_policy.updated",
    targetType: "oidc_trust_policy",
    targetId: id,
    environmentId: null,
    before: trustPolicyView(before),
    after: trustPolicyView(after),
  });
  return ok(trustPolicyView(after));
}

/** Deletes a policy: no token matches it any more. Keys issued under it live out their short lifetime. */
export async function removeTrustPolicy(deps: Deps, principal: Principal, id: string): Promise<Result<TrustPolicyView>> {
  const found = await administeredPolicy(deps, principal, id);
  if (!found.ok) return found;
  const view = trustPolicyView(found.value);
  await commitWithAudit(deps, principal.workspaceId, [deleteTrustPolicy(deps.db, principal.workspaceId, id)], {
    actor: actorOf(principal),
    action: "oidc_trust_policy.deleted",
    targetType: "oidc_trust_policy",
    targetId: id,
    environmentId: null,
    before: view,
    after: null,
  });
  return ok(view);
}
