import { authorize, canSee, requireScope } from "../access/permissions";
import { deleteEnvironmentKeys, listEnvironmentKeyHashes } from "../access/repository";
import { actorOf, commitWithAudit } from "../audit/audit-log";
import type { Deps, Principal } from "../context";
import { guard } from "../db/batch";
import { isForeignKeyViolation, isGuardViolation, isUniqueViolation } from "../db/d1-errors";
import type { FreezeWindow, ModelPrice, TestGate } from "../db/schema";
import { deleteEnvironmentDocuments } from "../documents/repository";
import { publishEnvironment } from "../edge/environment-sync";
import { forgetCachedKey } from "../edge/key-entries";
import { edgeKeys } from "../edge/keys";
import { decodeCursor, toPage } from "../lib/pagination";
import { fail, ok, type Result } from "../lib/result";
import { deleteEnvironmentWebhooks } from "../webhooks/repository";
import {
  deleteEnvironment,
  type EnvironmentRow,
  environmentHasNoReleases,
  environmentHasReleases,
  findEnvironmentByName,
  insertEnvironment,
  listEnvironments,
  updateEnvironment,
} from "./repository";
import { deleteEnvironmentSecrets } from "./secret-repository";

/** How long a new environment keeps its executions unless told otherwise (the column's default too). */
export const DEFAULT_RETENTION_DAYS = 90;

export function environmentView(row: EnvironmentRow) {
  return {
    id: row.id,
    name: row.name,
    label: row.label,
    description: row.description,
    protected: row.protected,
    required_approvals: row.requiredApprovals,
    variables: row.variables,
    model_prices: row.modelPrices,
    test_gate: row.testGate,
    freeze_windows: row.freezeWindows,
    retention_days: row.retentionDays,
    egress_allowlist: row.egressAllowlist,
    rate_limit_per_minute: row.rateLimitPerMinute,
    key_rate_limit_per_minute: row.keyRateLimitPerMinute,
    daily_budget_usd: row.dailyBudgetUsd,
    created_at: row.createdAt,
    updated_at: row.updatedAt,
  };
}
export type EnvironmentView = ReturnType<typeof environmentView>;

/**
 * Settings as a request gives them: a field left out keeps its value (its
 * default on creation); null clears it to its empty value (no description,
 * no approvals, no variables, no prices, no test gate, no freeze windows,
 * retention forever).
 */
export interface EnvironmentSettings {
  label?: string | undefined;
  description?: string | null | undefined;
  protected?: boolean | undefined;
  required_approvals?: number | null | undefined;
  variables?: Record<string, string> | null | undefined;
  model_prices?: Record<string, ModelPrice> | null | undefined;
  test_gate?: TestGate | null | undefined;
  freeze_windows?: FreezeWindow[] | null | undefined;
  /** null keeps executions forever. */
  retention_days?: number | null | undefined;
  /** Hosts and `*.example.com` patterns configured outbound URLs may call; null or empty: any public host. */
  egress_allowlist?: string[] | null | undefined;
  /** Invocations a minute for the whole environment; null: no limit. */
  rate_limit_per_minute?: number | null | undefined;
  /** Invocations a minute for each key in the environment; null: no limit. */
  key_rate_limit_per_minute?: number | null | undefined;
  /** USD a UTC day; null: no budget. */
  daily_budget_usd?: number | null | undefined;
}

/** The row's settings after a change: a field left out keeps the row's value, null clears it. */
function applySettings(row: EnvironmentRow, changes: EnvironmentSettings): EnvironmentRow {
  const pick = <T, S>(given: T | null | undefined, current: S, empty: S, convert: (value: T) => S): S => (given === undefined ? current : given === null ? empty : convert(given));
  const same = <T>(value: T) => value;
  return {
    ...row,
    label: changes.label ?? row.label,
    description: pick(changes.description, row.description, "", same),
    protected: changes.protected ?? row.protected,
    requiredApprovals: pick(changes.required_approvals, row.requiredApprovals, 0, same),
    variables: pick(changes.variables, row.variables, {}, same),
    modelPrices: pick(changes.model_prices, row.modelPrices, {}, same),
    testGate: pick(changes.test_gate, row.testGate, null, (gate) => ({ min_pass_rate: gate.min_pass_rate, untested: gate.untested })),
    freezeWindows: pick(changes.freeze_windows, row.freezeWindows, [], same),
    retentionDays: pick(changes.retention_days, row.retentionDays, null, same),
    egressAllowlist: pick(changes.egress_allowlist, row.egressAllowlist, [], (hosts) => [...new Set(hosts.map((h) => h.toLowerCase()))]),
    rateLimitPerMinute: pick(changes.rate_limit_per_minute, row.rateLimitPerMinute, null, same),
    keyRateLimitPerMinute: pick(changes.key_rate_limit_per_minute, row.keyRateLimitPerMinute, null, same),
    dailyBudgetUsd: pick(changes.daily_budget_usd, row.dailyBudgetUsd, null, same),
  };
}

/** A new environment's row, with defaults for what the caller left out. */
export function newEnvironmentRow(deps: Deps, workspaceId: string, name: string, settings: EnvironmentSettings): EnvironmentRow {
  const now = deps.now().toISOString();
  const defaults: EnvironmentRow = {
    id: deps.newId("environment"),
    workspaceId,
    name,
    label: name.charAt(0).toUpperCase() + name.slice(1),
    description: "",
    protected: false,
    requiredApprovals: 0,
    variables: {},
    modelPrices: {},
    retentionDays: DEFAULT_RETENTION_DAYS,
    testGate: null,
    freezeWindows: [],
    egressAllowlist: [],
    rateLimitPerMinute: null,
    keyRateLimitPerMinute: null,
    dailyBudgetUsd: null,
    createdAt: now,
    updatedAt: now,
  };
  return applySettings(defaults, settings);
}

/** Visibility only: changing or deleting an environment then needs `admin` for the whole workspace, not in the environment. */
async function findVisible(deps: Deps, principal: Principal, name: string): Promise<Result<EnvironmentRow>> {
  const row = await findEnvironmentByName(deps.db, principal.workspaceId, name);
  if (!row || !canSee(principal, row.id)) return fail("NOT_FOUND", `No environment named "${name}"`);
  return ok(row);
}

async function findReadable(deps: Deps, principal: Principal, name: string): Promise<Result<EnvironmentRow>> {
  return authorize(principal, await findEnvironmentByName(deps.db, principal.workspaceId, name), "read", `No environment named "${name}"`, (env) => env.id);
}

export async function listEnvironmentsFor(deps: Deps, principal: Principal, cursor: string | undefined, limit: number) {
  const list = { name: "environments" };
  const after = decodeCursor<string>(cursor, "string", list);
  if (!after.ok) return after;
  if (principal.environment) {
    const own = await findReadable(deps, principal, principal.environment.name);
    if (!own.ok) return own;
    return ok({ data: after.value ? [] : [environmentView(own.value)], next_cursor: null });
  }
  const access = requireScope(principal, "read", null);
  if (!access.ok) return access;
  const rows = await listEnvironments(deps.db, principal.workspaceId, after.value, limit + 1);
  return ok(toPage(rows, limit, (row) => row.id, environmentView, list));
}

export async function getEnvironment(deps: Deps, principal: Principal, name: string): Promise<Result<EnvironmentView>> {
  const found = await findReadable(deps, principal, name);
  return found.ok ? ok(environmentView(found.value)) : found;
}

export async function createEnvironment(deps: Deps, principal: Principal, input: EnvironmentSettings & { name: string }): Promise<Result<EnvironmentView>> {
  const access = requireScope(principal, "admin", null);
  if (!access.ok) return access;
  const nameTaken = fail("ENVIRONMENT_NAME_TAKEN", `An environment named "${input.name}" already exists`, [{ path: "body.name", message: "Already in use in this workspace" }]);
  if (await findEnvironmentByName(deps.db, principal.workspaceId, input.name)) return nameTaken;
  const row = newEnvironmentRow(deps, principal.workspaceId, input.name, input);
  try {
    await commitWithAudit(deps, principal.workspaceId, [insertEnvironment(deps.db, row)], {
      actor: actorOf(principal),
      action: "environment.created",
      targetType: "environment",
      targetId: row.id,
      environmentId: row.id,
      before: null,
      after: environmentView(row),
    });
  } catch (error) {
    // Another request created the same name between our check and our write.
    if (isUniqueViolation(error, "environments.workspace_id, environments.name")) return nameTaken;
    throw error;
  }
  await publishEnvironment(deps, principal.workspaceId, row.id);
  return ok(environmentView(row));
}

/** Environment settings are workspace policy, so only workspace admin keys change them. */
export async function updateEnvironmentSettings(deps: Deps, principal: Principal, name: string, changes: EnvironmentSettings): Promise<Result<EnvironmentView>> {
  const found = await findVisible(deps, principal, name);
  if (!found.ok) return found;
  const access = requireScope(principal, "admin", null);
  if (!access.ok) return access;
  const before = found.value;
  const after: EnvironmentRow = { ...applySettings(before, changes), updatedAt: deps.now().toISOString() };
  await commitWithAudit(deps, principal.workspaceId, [updateEnvironment(deps.db, after)], {
    actor: actorOf(principal),
    action: "environment.updated",
    targetType: "environment",
    targetId: before.id,
    environmentId: before.id,
    before: environmentView(before),
    after: environmentView(after),
  });
  await publishEnvironment(deps, principal.workspaceId, before.id);
  return ok(environmentView(after));
}

/**
 * Deletes an environment that has no releases, with its API keys, secrets,
 * document indexes and webhooks. The
 * release check travels inside the batch, so a deploy racing the delete
 * cannot leave releases pointing at a deleted environment.
 */
export async function removeEnvironment(deps: Deps, principal: Principal, name: string): Promise<Result<EnvironmentView>> {
  const found = await findVisible(deps, principal, name);
  if (!found.ok) return found;
  const access = requireScope(principal, "admin", null);
  if (!access.ok) return access;
  const env = found.value;
  const hasReleases = fail(
    "ENVIRONMENT_HAS_RELEASES",
    `The environment "${name}" has releases, and release history is kept: it cannot be deleted. To stop using it, revoke its API keys (DELETE /v1/api-keys/{id}) and protect it (PATCH /v1/environments/${name} with "protected": true and "required_approvals") so that no release reaches it without approval.`,
  );
  if (await environmentHasReleases(deps.db, principal.workspaceId, env.id)) return hasReleases;
  const keyHashes = await listEnvironmentKeyHashes(deps.db, principal.workspaceId, env.id);
  try {
    await commitWithAudit(
      deps,
      principal.workspaceId,
      [
        guard(deps.db, principal.workspaceId, environmentHasNoReleases(principal.workspaceId, env.id)),
        deleteEnvironmentKeys(deps.db, principal.workspaceId, env.id),
        deleteEnvironmentSecrets(deps.db, principal.workspaceId, env.id),
        ...deleteEnvironmentDocuments(deps.db, principal.workspaceId, env.id),
        ...deleteEnvironmentWebhooks(deps.db, principal.workspaceId, env.id),
        deleteEnvironment(deps.db, principal.workspaceId, env.id),
      ],
      {
        actor: actorOf(principal),
        action: "environment.deleted",
        targetType: "environment",
        targetId: env.id,
        environmentId: env.id,
        before: environmentView(env),
        after: null,
      },
    );
  } catch (error) {
    if (isGuardViolation(error) || isForeignKeyViolation(error)) return hasReleases;
    throw error;
  }
  // The keys are gone from D1; drop their cache entries so they stop working here at once.
  await Promise.all([
    ...keyHashes.map(({ keyHash }) => forgetCachedKey(deps, keyHash)),
    publishEnvironment(deps, principal.workspaceId, env.id),
    deps.kv.delete(edgeKeys.environmentName(principal.workspaceId, env.name)),
    deps.kv.delete(edgeKeys.limits(principal.workspaceId, env.name)),
  ]);
  return ok(environmentView(env));
}
