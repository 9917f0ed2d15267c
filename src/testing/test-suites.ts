import { actorOf, commitWithAudit } from "../audit/audit-log";
import type { Deps, Principal } from "../context";
import { guard } from "../db/batch";
import { isGuardViolation, isUniqueViolation } from "../db/d1-errors";
import { decodeCursor, toPage } from "../lib/pagination";
import { fail, ok, type Result } from "../lib/result";
import { type DeploymentRow, findDeployment, findDeploymentByIdOrName } from "../releases/deployment-repository";
import { caseIssues, type TestCase, type TestCaseInput } from "../specs/test-case-spec";
import { changesNothing, staleRevision } from "./revisions";
import { findTestSuite, findTestSuiteByName, insertTestSuite, listTestSuites, type TestSuiteRow, testSuiteAtRevision, updateTestSuiteFrom } from "./test-suite-repository";

/**
 * Test suites are shared by every environment of the workspace, like
 * sandboxes: any key that can read somewhere may read them, any key that can
 * deploy somewhere may edit them. Each save is a new revision; a run records
 * the revision it ran.
 */

export function testSuiteView(row: TestSuiteRow, deploymentName: string | null) {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    deployment_id: row.deploymentId,
    deployment: deploymentName,
    revision: row.revision,
    cases: row.cases as TestCase[],
    created_at: row.createdAt,
    created_by: row.createdBy,
    updated_at: row.updatedAt,
    updated_by: row.updatedBy,
  };
}
export type TestSuiteView = ReturnType<typeof testSuiteView>;

/**
 * Checks the cases and gives each an id: its own when sent, else a new one.
 * On a save (`keptIds`: the ids the suite holds), an id sent must name one
 * of its cases: it keeps that case's identity, and cannot invent one.
 */
function storedCases(deps: Pick<Deps, "newId">, cases: TestCaseInput[], keptIds?: ReadonlySet<string>): Result<TestCase[]> {
  const issues = caseIssues(cases);
  if (keptIds) {
    cases.forEach((c, i) => {
      if (c.id !== undefined && !keptIds.has(c.id)) {
        issues.push({ path: `body.cases[${i}].id`, message: `Not a case of this test suite: send back the id of a case it holds, or leave id out for a new case` });
      }
    });
  }
  if (issues.length) return fail("VALIDATION_FAILED", issues.map((i) => `${i.path}: ${i.message}`).join("; "), issues);
  return ok(
    cases.map((c) => ({
      id: c.id ?? deps.newId("testCase"),
      name: c.name ?? null,
      inputs: c.inputs,
      ...(c.expected !== undefined ? { expected: c.expected } : {}),
      assertions: c.assertions,
    })),
  );
}

/** The deployment a suite is given (by id or name), or null for none. */
async function resolveDeployment(deps: Deps, workspaceId: string, idOrName: string | null): Promise<Result<DeploymentRow | null>> {
  if (idOrName === null) return ok(null);
  const deployment = await findDeploymentByIdOrName(deps.db, workspaceId, idOrName);
  if (!deployment) return fail("VALIDATION_FAILED", `No deployment with id or name "${idOrName}"`, [{ path: "body.deployment", message: "Unknown deployment" }]);
  return ok(deployment);
}

/** A suite's view with its deployment's name. */
async function viewOf(deps: Deps, row: TestSuiteRow): Promise<TestSuiteView> {
  const deployment = row.deploymentId ? await findDeployment(deps.db, row.workspaceId, row.deploymentId) : null;
  return testSuiteView(row, deployment?.name ?? null);
}

const nameTaken = (name: string) => fail("TEST_SUITE_NAME_TAKEN", `A test suite named "${name}" already exists`, [{ path: "body.name", message: "Already in use" }]);
const NAME_INDEX = "test_suites.workspace_id, test_suites.name";

export async function createTestSuite(
  deps: Deps,
  principal: Principal,
  input: { name: string; description?: string | undefined; deployment?: string | null | undefined; cases: TestCaseInput[] },
): Promise<Result<TestSuiteView>> {
  const cases = storedCases(deps, input.cases);
  if (!cases.ok) return cases;
  const deployment = await resolveDeployment(deps, principal.workspaceId, input.deployment ?? null);
  if (!deployment.ok) return deployment;
  if (await findTestSuiteByName(deps.db, principal.workspaceId, input.name)) return nameTaken(input.name);
  const now = deps.now().toISOString();
  const row: TestSuiteRow = {
    id: deps.newId("testSuite"),
    workspaceId: principal.workspaceId,
    name: input.name,
    description: input.description ?? "",
    deploymentId: deployment.value?.id ?? null,
    revision: 1,
    cases: cases.value,
    createdAt: now,
    createdBy: principal.keyId,
    updatedAt: now,
    updatedBy: principal.keyId,
  };
  try {
    await commitWithAudit(deps, principal.workspaceId, [insertTestSuite(deps.db, row)], {
      actor: actorOf(principal),
      action: "test_suite.created",
      targetType: "test_suite",
      targetId: row.id,
      environmentId: null,
      before: null,
      after: testSuiteView(row, deployment.value?.name ?? null),
    });
  } catch (error) {
    if (isUniqueViolation(error, NAME_INDEX)) return nameTaken(input.name);
    throw error;
  }
  return ok(testSuiteView(row, deployment.value?.name ?? null));
}

/**
 * Saves a new revision: the fields given replace the stored ones (`cases`
 * as a whole). With `expectedRevision` (from If-Match) a save based on a
 * stale read is refused; two concurrent saves never both land on one revision.
 */
export async function updateTestSuite(
  deps: Deps,
  principal: Principal,
  id: string,
  changes: { name?: string | undefined; description?: string | null | undefined; deployment?: string | null | undefined; cases?: TestCaseInput[] | undefined },
  expectedRevision: number | undefined,
): Promise<Result<TestSuiteView>> {
  const current = await findTestSuite(deps.db, principal.workspaceId, id);
  if (!current) return fail("NOT_FOUND", `No test suite with id "${id}"`);
  const stale = staleRevision("test suite", expectedRevision, current.revision);
  if (stale) return stale;
  let cases = current.cases;
  if (changes.cases !== undefined) {
    const checked = storedCases(deps, changes.cases, new Set((current.cases as TestCase[]).map((c) => c.id)));
    if (!checked.ok) return checked;
    cases = checked.value;
  }
  let deploymentId = current.deploymentId;
  if (changes.deployment !== undefined) {
    const deployment = await resolveDeployment(deps, principal.workspaceId, changes.deployment);
    if (!deployment.ok) return deployment;
    deploymentId = deployment.value?.id ?? null;
  }
  if (changes.name !== undefined && changes.name !== current.name && (await findTestSuiteByName(deps.db, principal.workspaceId, changes.name))) return nameTaken(changes.name);
  const saved = { name: changes.name ?? current.name, description: changes.description === undefined ? current.description : (changes.description ?? ""), deploymentId, cases };
  if (changesNothing({ name: current.name, description: current.description, deploymentId: current.deploymentId, cases: current.cases }, saved))
    return ok(await viewOf(deps, current));
  const next: TestSuiteRow = {
    ...current,
    name: changes.name ?? current.name,
    description: changes.description === undefined ? current.description : (changes.description ?? ""),
    deploymentId,
    cases,
    revision: current.revision + 1,
    updatedAt: deps.now().toISOString(),
    updatedBy: principal.keyId,
  };
  try {
    await commitWithAudit(
      deps,
      principal.workspaceId,
      [guard(deps.db, principal.workspaceId, testSuiteAtRevision(principal.workspaceId, id, current.revision)), updateTestSuiteFrom(deps.db, current.revision, next)],
      {
        actor: actorOf(principal),
        action: "test_suite.updated",
        targetType: "test_suite",
        targetId: id,
        environmentId: null,
        before: await viewOf(deps, current),
        after: await viewOf(deps, next),
      },
    );
  } catch (error) {
    if (isUniqueViolation(error, NAME_INDEX)) return nameTaken(next.name);
    // Another save took this revision first; the caller may read the suite again and retry.
    if (isGuardViolation(error)) return fail("CONCURRENT_MODIFICATION", "The test suite was saved by another request at the same time; read it and retry");
    throw error;
  }
  return ok(await viewOf(deps, next));
}

export async function getTestSuite(deps: Deps, principal: Principal, id: string): Promise<Result<TestSuiteView>> {
  const row = await findTestSuite(deps.db, principal.workspaceId, id);
  return row ? ok(await viewOf(deps, row)) : fail("NOT_FOUND", `No test suite with id "${id}"`);
}

/** A page of suites, newest first; with `deployment` (an id or a name), only that deployment's. */
export async function listTestSuitesFor(deps: Deps, principal: Principal, query: { cursor?: string | undefined; limit: number; deployment?: string | undefined }) {
  const list = { name: "test-suites", filters: { deployment: query.deployment } };
  const before = decodeCursor<string>(query.cursor, "string", list);
  if (!before.ok) return before;
  let deploymentId: string | undefined;
  if (query.deployment !== undefined) {
    const deployment = await findDeploymentByIdOrName(deps.db, principal.workspaceId, query.deployment);
    if (!deployment) return fail("VALIDATION_FAILED", `No deployment with id or name "${query.deployment}"`, [{ path: "query.deployment", message: "Unknown deployment" }]);
    deploymentId = deployment.id;
  }
  const rows = await listTestSuites(deps.db, principal.workspaceId, { deploymentId, beforeId: before.value }, query.limit + 1);
  const names = await deploymentNames(deps, principal.workspaceId, rows);
  return ok(
    toPage(
      rows,
      query.limit,
      (r) => r.id,
      (r) => testSuiteView(r, r.deploymentId ? (names.get(r.deploymentId) ?? null) : null),
      list,
    ),
  );
}

async function deploymentNames(deps: Deps, workspaceId: string, rows: TestSuiteRow[]) {
  const ids = [...new Set(rows.flatMap((r) => (r.deploymentId ? [r.deploymentId] : [])))];
  const found = await Promise.all(ids.map((id) => findDeployment(deps.db, workspaceId, id)));
  return new Map(found.flatMap((d) => (d ? [[d.id, d.name] as const] : [])));
}
