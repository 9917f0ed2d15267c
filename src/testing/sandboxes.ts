import { actorOf, commitWithAudit } from "../audit/audit-log";
import type { Deps, Principal } from "../context";
import { isUniqueViolation } from "../db/d1-errors";
import type { Scenario } from "../db/schema";
import type { EgressPolicy } from "../egress/outbound-url";
import { egressPolicy } from "../egress/policy";
import { decodeCursor, toPage } from "../lib/pagination";
import type { FieldIssue } from "../lib/problem";
import { fail, ok, type Result } from "../lib/result";
import { contentHash, type Spec, type SpecKind, validateSpec } from "../specs/validate-spec";
import { changesNothing, staleRevision } from "./revisions";
import { findSandbox, findSandboxByName, findSandboxRevision, insertSandbox, insertSandboxRevision, listSandboxes, type SandboxRow, updateSandboxFrom } from "./sandbox-repository";

/**
 * Sandboxes are drafts, shared by every environment of the workspace: any
 * key that can read somewhere may read them, any key that can deploy
 * somewhere may edit them. Every save is a new numbered revision.
 */

export function sandboxView(
  row: Pick<SandboxRow, "id" | "name" | "kind" | "revision" | "spec" | "scenarios" | "deploymentId" | "createdAt" | "createdBy" | "updatedAt" | "updatedBy">,
) {
  return {
    id: row.id,
    name: row.name,
    kind: row.kind,
    revision: row.revision,
    spec: row.spec,
    scenarios: row.scenarios,
    deployment_id: row.deploymentId,
    created_at: row.createdAt,
    created_by: row.createdBy,
    updated_at: row.updatedAt,
    updated_by: row.updatedBy,
  };
}
export type SandboxView = ReturnType<typeof sandboxView>;

/** Scenario inputs must be the spec's input variables, with every required one present. */
function checkScenarios(spec: Spec, scenarios: Scenario[]): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const vars = spec.spec.input_variables;
  const names = new Set<string>();
  scenarios.forEach((scenario, i) => {
    if (names.has(scenario.name)) issues.push({ path: `body.scenarios[${i}].name`, message: `Duplicate scenario name "${scenario.name}"` });
    names.add(scenario.name);
    for (const key of Object.keys(scenario.inputs)) {
      if (!vars.some((v) => v.key === key)) issues.push({ path: `body.scenarios[${i}].inputs.${key}`, message: `Unknown input variable "${key}"` });
    }
    for (const v of vars) {
      const required = v.required ?? v.default === undefined;
      if (required && !(v.key in scenario.inputs)) issues.push({ path: `body.scenarios[${i}].inputs.${v.key}`, message: `Missing required input "${v.key}"` });
    }
  });
  return issues;
}

/** `egress`: the deployment's egress rules (egress/policy.ts); offline callers leave it out for the strictest. */
export function validateDraft(kind: SpecKind, rawSpec: unknown, scenarios: Scenario[], egress?: EgressPolicy): Result<Spec> {
  const spec = validateSpec(kind, rawSpec, undefined, egress);
  if (!spec.ok) return spec;
  const issues = checkScenarios(spec.value, scenarios);
  if (issues.length) return fail("SPEC_INVALID", "The scenarios do not fit the spec's input variables", issues);
  return spec;
}

const nameTaken = (name: string) => fail("SANDBOX_NAME_TAKEN", `A sandbox named "${name}" already exists`, [{ path: "body.name", message: "Already in use" }]);

export async function createSandbox(
  deps: Deps,
  principal: Principal,
  input: { name: string; kind: SpecKind; spec: unknown; scenarios?: Scenario[] | undefined },
): Promise<Result<SandboxView>> {
  const scenarios = input.scenarios ?? [];
  const spec = validateDraft(input.kind, input.spec, scenarios, egressPolicy(deps.config));
  if (!spec.ok) return spec;
  if (await findSandboxByName(deps.db, principal.workspaceId, input.name)) return nameTaken(input.name);
  const now = deps.now().toISOString();
  const row: SandboxRow = {
    id: deps.newId("sandbox"),
    workspaceId: principal.workspaceId,
    name: input.name,
    kind: input.kind,
    revision: 1,
    spec: spec.value.spec,
    scenarios,
    deploymentId: deps.newId("deployment"),
    createdAt: now,
    createdBy: principal.keyId,
    updatedAt: now,
    updatedBy: principal.keyId,
  };
  try {
    await commitWithAudit(
      deps,
      principal.workspaceId,
      [insertSandbox(deps.db, row), insertSandboxRevision(deps.db, { ...revisionOf(row), contentHash: await contentHash(spec.value) })],
      { actor: actorOf(principal), action: "sandbox.created", targetType: "sandbox", targetId: row.id, environmentId: null, before: null, after: sandboxView(row) },
    );
  } catch (error) {
    if (isUniqueViolation(error, "sandboxes.workspace_id, sandboxes.name")) return nameTaken(input.name);
    throw error;
  }
  return ok(sandboxView(row));
}

function revisionOf(row: SandboxRow) {
  return {
    workspaceId: row.workspaceId,
    sandboxId: row.id,
    revision: row.revision,
    name: row.name,
    spec: row.spec,
    scenarios: row.scenarios,
    createdAt: row.updatedAt,
    createdBy: row.updatedBy,
  };
}

/**
 * Saves a new revision. With `expectedRevision` (from If-Match) a save
 * based on a stale read is refused; without it, concurrent saves both land,
 * one after the other, and neither is lost from the revision history. A save
 * that changes nothing answers with the current revision and writes nothing.
 */
export async function updateSandbox(
  deps: Deps,
  principal: Principal,
  id: string,
  /** `scenarios: null` clears them. */
  changes: { name?: string | undefined; spec?: unknown; scenarios?: Scenario[] | null | undefined },
  expectedRevision: number | undefined,
): Promise<Result<SandboxView>> {
  const current = await findSandbox(deps.db, principal.workspaceId, id);
  if (!current) return fail("NOT_FOUND", `No sandbox with id "${id}"`);
  const stale = staleRevision("sandbox", expectedRevision, current.revision);
  if (stale) return stale;
  const scenarios = changes.scenarios === null ? [] : (changes.scenarios ?? current.scenarios);
  const spec = validateDraft(current.kind, changes.spec ?? current.spec, scenarios, egressPolicy(deps.config));
  if (!spec.ok) return spec;
  const name = changes.name ?? current.name;
  if (changesNothing({ name: current.name, spec: current.spec, scenarios: current.scenarios }, { name, spec: spec.value.spec, scenarios })) return ok(sandboxView(current));
  if (changes.name && changes.name !== current.name && (await findSandboxByName(deps.db, principal.workspaceId, changes.name))) return nameTaken(changes.name);
  const next: SandboxRow = {
    ...current,
    name,
    spec: spec.value.spec,
    scenarios,
    revision: current.revision + 1,
    updatedAt: deps.now().toISOString(),
    updatedBy: principal.keyId,
  };
  try {
    await commitWithAudit(
      deps,
      principal.workspaceId,
      [updateSandboxFrom(deps.db, current.revision, next), insertSandboxRevision(deps.db, { ...revisionOf(next), contentHash: await contentHash(spec.value) })],
      {
        actor: actorOf(principal),
        action: "sandbox.updated",
        targetType: "sandbox",
        targetId: id,
        environmentId: null,
        before: sandboxView(current),
        after: sandboxView(next),
      },
    );
  } catch (error) {
    if (isUniqueViolation(error, "sandboxes.workspace_id, sandboxes.name")) return nameTaken(next.name);
    // Another save took this revision number first; the caller may retry on the new revision.
    if (isUniqueViolation(error, "sandbox_revisions.sandbox_id, sandbox_revisions.revision")) {
      return fail("CONCURRENT_MODIFICATION", "The sandbox was saved by another request at the same time; read it and retry");
    }
    throw error;
  }
  return ok(sandboxView(next));
}

export async function getSandbox(deps: Deps, principal: Principal, id: string, revision: number | undefined): Promise<Result<SandboxView>> {
  const row = await findSandbox(deps.db, principal.workspaceId, id);
  if (!row) return fail("NOT_FOUND", `No sandbox with id "${id}"`);
  if (revision === undefined || revision === row.revision) return ok(sandboxView(row));
  const old = await findSandboxRevision(deps.db, principal.workspaceId, id, revision);
  if (!old) return fail("NOT_FOUND", `Sandbox "${id}" has no revision ${revision}`);
  return ok(sandboxView({ ...row, ...old, updatedAt: old.createdAt, updatedBy: old.createdBy }));
}

export async function listSandboxesFor(deps: Deps, principal: Principal, cursor: string | undefined, limit: number) {
  const list = { name: "sandboxes" };
  const before = decodeCursor<string>(cursor, "string", list);
  if (!before.ok) return before;
  const rows = await listSandboxes(deps.db, principal.workspaceId, before.value, limit + 1);
  return ok(toPage(rows, limit, (r) => r.id, sandboxView, list));
}
