import { actorOf, commitWithAudit } from "../audit/audit-log";
import type { Deps, Principal, Scope } from "../context";
import { guard } from "../db/batch";
import { isGuardViolation } from "../db/d1-errors";
import type { KeyIdentity } from "../db/schema";
import { toCachedKey, writeCachedKey } from "../edge/key-entries";
import type { EnvironmentRow } from "../environments/repository";
import { findEnvironmentByName } from "../environments/repository";
import { sha256Hex } from "../lib/crypto";
import { decodeCursor, toPage } from "../lib/pagination";
import { fail, ok, type Result } from "../lib/result";
import { isKeyUsable } from "./authenticate-key";
import { generateApiKeyToken } from "./key-token";
import { authorize, requireScope, resolveListScope } from "./permissions";
import { type ApiKeyRow, type ApiKeyWithEnvironment, findApiKeyById, insertApiKey, keyIsActiveAndUnrotated, keyIsNotRevoked, listApiKeys, updateApiKey } from "./repository";

export function apiKeyView(row: ApiKeyWithEnvironment) {
  return {
    id: row.id,
    name: row.name,
    environment: row.environmentName,
    scopes: row.scopes as Scope[],
    display_prefix: row.displayPrefix,
    expires_at: row.expiresAt,
    last_used_at: row.lastUsedAt,
    revoked_at: row.revokedAt,
    replaced_by: row.replacedById,
    created_at: row.createdAt,
    created_by: row.createdBy,
    identity: row.identity ?? null,
  };
}
export type ApiKeyView = ReturnType<typeof apiKeyView>;
/** The create and rotate responses: the one time the full key is shown. */
export type IssuedApiKey = ApiKeyView & { key: string };

const DEFAULT_GRACE_PERIOD_SECONDS = 86_400;

/**
 * A new key's row and its token. Only the SHA-256 of the token is stored.
 */
export async function issueKey(
  deps: Deps,
  spec: {
    workspaceId: string;
    environment: Pick<EnvironmentRow, "id" | "name"> | null;
    name: string;
    scopes: Scope[];
    expiresAt: string | null;
    createdBy: string;
    /** Set for a key issued by an OIDC token exchange. */
    identity?: KeyIdentity | null;
  },
): Promise<{ row: ApiKeyWithEnvironment; token: string }> {
  const { token, displayPrefix } = await generateApiKeyToken(spec.environment ? "environment" : "workspace");
  const row: ApiKeyWithEnvironment = {
    id: deps.newId("apiKey"),
    workspaceId: spec.workspaceId,
    environmentId: spec.environment?.id ?? null,
    environmentName: spec.environment?.name ?? null,
    name: spec.name,
    scopes: [...new Set(spec.scopes)],
    keyHash: await sha256Hex(token),
    displayPrefix,
    expiresAt: spec.expiresAt,
    lastUsedAt: null,
    revokedAt: null,
    replacedById: null,
    createdAt: deps.now().toISOString(),
    createdBy: spec.createdBy,
    identity: spec.identity ?? null,
  };
  return { row, token };
}

export function storedRow({ environmentName: _, ...row }: ApiKeyWithEnvironment): ApiKeyRow {
  return row;
}

async function findVisibleKey(deps: Deps, principal: Principal, id: string): Promise<Result<ApiKeyWithEnvironment>> {
  return authorize(principal, await findApiKeyById(deps.db, principal.workspaceId, id), "admin", `No API key with id "${id}"`);
}

export async function listKeysFor(deps: Deps, principal: Principal, query: { environment?: string | undefined; cursor?: string | undefined; limit: number }) {
  const list = { name: "api-keys", filters: { environment: query.environment } };
  const before = decodeCursor<string>(query.cursor, "string", list);
  if (!before.ok) return before;
  const scope = await resolveListScope(deps, principal, "admin", query.environment);
  if (!scope.ok) return scope;
  const environmentId = scope.value;
  const rows = await listApiKeys(deps.db, { workspaceId: principal.workspaceId, environmentId, beforeId: before.value, limit: query.limit + 1 });
  return ok(toPage(rows, query.limit, (row) => row.id, apiKeyView, list));
}

export async function getKey(deps: Deps, principal: Principal, id: string): Promise<Result<ApiKeyView>> {
  const found = await findVisibleKey(deps, principal, id);
  return found.ok ? ok(apiKeyView(found.value)) : found;
}

export async function createKey(
  deps: Deps,
  principal: Principal,
  input: { name: string; environment?: string | null | undefined; scopes: Scope[]; expires_at?: string | null | undefined },
): Promise<Result<IssuedApiKey>> {
  let environment: EnvironmentRow | null = null;
  if (input.environment) {
    const found = authorize(
      principal,
      await findEnvironmentByName(deps.db, principal.workspaceId, input.environment),
      "admin",
      `No environment named "${input.environment}"`,
      (env) => env.id,
    );
    if (!found.ok) return found.error.code === "NOT_FOUND" ? fail("NOT_FOUND", found.error.detail, [{ path: "body.environment", message: "Unknown environment" }]) : found;
    environment = found.value;
  } else {
    const access = requireScope(principal, "admin", null);
    if (!access.ok) return access;
  }
  const expiresAt = input.expires_at ?? null;
  if (expiresAt !== null && Date.parse(expiresAt) <= deps.now().getTime()) {
    return fail("VALIDATION_FAILED", "expires_at must be in the future", [{ path: "body.expires_at", message: "Must be in the future" }]);
  }
  const { row, token } = await issueKey(deps, {
    workspaceId: principal.workspaceId,
    environment,
    name: input.name,
    scopes: input.scopes,
    expiresAt,
    createdBy: principal.keyId,
  });
  await commitWithAudit(deps, principal.workspaceId, [insertApiKey(deps.db, storedRow(row))], {
    actor: actorOf(principal),
    action: "api_key.created",
    targetType: "api_key",
    targetId: row.id,
    environmentId: row.environmentId,
    before: null,
    after: apiKeyView(row),
  });
  await writeCachedKey(deps, row.keyHash, toCachedKey(row));
  return ok({ ...apiKeyView(row), key: token });
}

function earliest(a: string | null, b: string): string {
  return a !== null && Date.parse(a) < Date.parse(b) ? a : b;
}

/**
 * Issues a replacement key with the same name, environment, scopes and expiry,
 * and lets the old key live on for the grace period (0: it stops at once).
 */
export async function rotateKey(
  deps: Deps,
  principal: Principal,
  id: string,
  gracePeriodSeconds: number = DEFAULT_GRACE_PERIOD_SECONDS,
): Promise<Result<IssuedApiKey & { previous_key: ApiKeyView }>> {
  const found = await findVisibleKey(deps, principal, id);
  if (!found.ok) return found;
  const old = found.value;
  const inactive = fail("API_KEY_INACTIVE", `The API key "${id}" is revoked, expired or already rotated`);
  if (old.replacedById !== null || isKeyUsable(toCachedKey(old), deps.now()) !== "ok") return inactive;

  const { row: replacement, token } = await issueKey(deps, {
    workspaceId: old.workspaceId,
    environment: old.environmentId && old.environmentName ? { id: old.environmentId, name: old.environmentName } : null,
    name: old.name,
    scopes: old.scopes as Scope[],
    expiresAt: old.expiresAt,
    createdBy: principal.keyId,
  });
  const graceEnd = new Date(deps.now().getTime() + gracePeriodSeconds * 1000).toISOString();
  const retired: ApiKeyWithEnvironment = { ...old, expiresAt: earliest(old.expiresAt, graceEnd), replacedById: replacement.id };
  try {
    await commitWithAudit(
      deps,
      principal.workspaceId,
      [
        guard(deps.db, old.workspaceId, keyIsActiveAndUnrotated(old.workspaceId, old.id)),
        insertApiKey(deps.db, storedRow(replacement)),
        updateApiKey(deps.db, old.workspaceId, old.id, { expiresAt: retired.expiresAt, replacedById: replacement.id }),
      ],
      {
        actor: actorOf(principal),
        action: "api_key.rotated",
        targetType: "api_key",
        targetId: old.id,
        environmentId: old.environmentId,
        before: apiKeyView(old),
        after: { previous_key: apiKeyView(retired), new_key: apiKeyView(replacement) },
      },
    );
  } catch (error) {
    if (isGuardViolation(error)) return inactive;
    throw error;
  }
  await Promise.all([writeCachedKey(deps, replacement.keyHash, toCachedKey(replacement)), writeCachedKey(deps, retired.keyHash, toCachedKey(retired))]);
  return ok({ ...apiKeyView(replacement), key: token, previous_key: apiKeyView(retired) });
}

/** Revokes a key; it fails from the next request in this location on. Revoking twice changes nothing. */
export async function revokeKey(deps: Deps, principal: Principal, id: string): Promise<Result<ApiKeyView>> {
  const found = await findVisibleKey(deps, principal, id);
  if (!found.ok) return found;
  const key = found.value;
  if (key.revokedAt !== null) return ok(apiKeyView(key));
  const revoked: ApiKeyWithEnvironment = { ...key, revokedAt: deps.now().toISOString() };
  try {
    await commitWithAudit(
      deps,
      principal.workspaceId,
      [guard(deps.db, key.workspaceId, keyIsNotRevoked(key.workspaceId, key.id)), updateApiKey(deps.db, key.workspaceId, key.id, { revokedAt: revoked.revokedAt })],
      {
        actor: actorOf(principal),
        action: "api_key.revoked",
        targetType: "api_key",
        targetId: key.id,
        environmentId: key.environmentId,
        before: apiKeyView(key),
        after: apiKeyView(revoked),
      },
    );
  } catch (error) {
    // A concurrent revoke landed first: the key is revoked, which is what was asked.
    if (isGuardViolation(error)) return getKey(deps, principal, id);
    throw error;
  }
  await writeCachedKey(deps, key.keyHash, toCachedKey(revoked));
  return ok(apiKeyView(revoked));
}
