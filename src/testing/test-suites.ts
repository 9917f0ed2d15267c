import { actorOf, commitWithAudit } from "../audit/audit-log";
import type { Deps, Principal } from "../context";
import { guard } from "../db/batch";
import { isGuardViolation, isUniqueViolation } from "../db/d1-errors";
import { decodeCursor, toPage } from "../lib/pagination";
import { fail, ok, type Result } from "../lib/result";
import { caseIssues, type TestCase, type TestCaseInput } from "../specs/test-case-spec";
import { findTestSuite, findTestSuiteByName, insertTestSuite, listTestSuites, type TestSuiteRow, testSuiteAtRevision, updateTestSuiteFrom } from "./test-suite-repository";

/**
 * Test suites are shared by every environment of the workspace, like
 * sandboxes: any key that can read somewhere may read them, any key that can
 * deploy somewhere may edit them. Each save is a new revision; a run records
 * the revision it ran.
 */

export function testSuiteView(row: TestSuiteRow) {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    revision: row.revision,
    cases: row.cases as TestCase[],
    created_at: row.createdAt,
    created_by: row.createdBy,
    updated_at: row.updatedAt,
    updated_by: row.updatedBy,
  };
}
export type TestSuiteView = ReturnType<typeof testSuiteView>;

/** Checks the cases and gives each an id: its own when sent, else a new one. */
function storedCases(deps: Pick<Deps, "newId">, cases: TestCaseInput[]): Result<TestCase[]> {
  const issues = caseIssues(cases);
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

const nameTaken = (name: string) => fail("TEST_SUITE_NAME_TAKEN", `A test suite named "${name}" already exists`, [{ path: "body.name", message: "Already in use" }]);
const NAME_INDEX = "test_suites.workspace_id, test_suites.name";

export async function createTestSuite(
  deps: Deps,
  principal: Principal,
  input: { name: string; description?: string | undefined; cases: TestCaseInput[] },
): Promise<Result<TestSuiteView>> {
  const cases = storedCases(deps, input.cases);
  if (!cases.ok) return cases;
  if (await findTestSuiteByName(deps.db, principal.workspaceId, input.name)) return nameTaken(input.name);
  const now = deps.now().toISOString();
  const row: TestSuiteRow = {
    id: deps.newId("testSuite"),
    workspaceId: principal.workspaceId,
    name: input.name,
    description: input.description ?? "",
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
      after: testSuiteView(row),
    });
  } catch (error) {
    if (isUniqueViolation(error, NAME_INDEX)) return nameTaken(input.name);
    throw error;
  }
  return ok(testSuiteView(row));
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
  changes: { name?: string | undefined; description?: string | undefined; cases?: TestCaseInput[] | undefined },
  expectedRevision: number | undefined,
): Promise<Result<TestSuiteView>> {
  const current = await findTestSuite(deps.db, principal.workspaceId, id);
  if (!current) return fail("NOT_FOUND", `No test suite with id "${id}"`);
  if (expectedRevision !== undefined && expectedRevision !== current.revision) {
    return fail("PRECONDITION_FAILED", `If-Match names revision ${expectedRevision}, but the test suite is at revision ${current.revision}`);
  }
  let cases = current.cases;
  if (changes.cases !== undefined) {
    const checked = storedCases(deps, changes.cases);
    if (!checked.ok) return checked;
    cases = checked.value;
  }
  if (changes.name !== undefined && changes.name !== current.name && (await findTestSuiteByName(deps.db, principal.workspaceId, changes.name))) return nameTaken(changes.name);
  const next: TestSuiteRow = {
    ...current,
    name: changes.name ?? current.name,
    description: changes.description ?? current.description,
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
        before: testSuiteView(current),
        after: testSuiteView(next),
      },
    );
  } catch (error) {
    if (isUniqueViolation(error, NAME_INDEX)) return nameTaken(next.name);
    // Another save took this revision first; the caller may read the suite again and retry.
    if (isGuardViolation(error)) return fail("CONCURRENT_MODIFICATION", "The test suite was saved by another request at the same time; read it and retry");
    throw error;
  }
  return ok(testSuiteView(next));
}

export async function getTestSuite(deps: Deps, principal: Principal, id: string): Promise<Result<TestSuiteView>> {
  const row = await findTestSuite(deps.db, principal.workspaceId, id);
  return row ? ok(testSuiteView(row)) : fail("NOT_FOUND", `No test suite with id "${id}"`);
}

export async function listTestSuitesFor(deps: Deps, principal: Principal, cursor: string | undefined, limit: number) {
  const before = decodeCursor<string>(cursor, "string");
  if (!before.ok) return before;
  const rows = await listTestSuites(deps.db, principal.workspaceId, before.value, limit + 1);
  return ok(toPage(rows, limit, (r) => r.id, testSuiteView));
}
