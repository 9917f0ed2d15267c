import { authorize } from "../access/permissions";
import type { Deps, Principal } from "../context";
import { decodeCursor, toPage } from "../lib/pagination";
import { fail, ok, type Result } from "../lib/result";
import { environmentNames } from "../releases/views";
import type { AssertionResult } from "./assertions";
import { findTestSuite, findTestSuiteRun, listTestSuiteRuns, type TestSuiteRunRow } from "./test-suite-repository";

/** Reading test-suite runs: their public view, one run, a suite's runs. Running one is `run-test-suite.ts`. */

/** One case's result, as stored and returned. */
export interface CaseResult {
  case_id: string;
  name: string | null;
  passed: boolean;
  output: string | null;
  output_truncated?: boolean;
  error: string | null;
  duration_ms: number;
  assertions: AssertionResult[];
}

/**
 * The mean of every evaluator score a run's cases received, or null when no
 * evaluator gave one: a run's quality figure for metrics.
 */
export function meanEvaluatorScore(results: readonly CaseResult[]): number | null {
  const scores = results.flatMap((r) => r.assertions.flatMap((a) => (a.score === undefined ? [] : [a.score])));
  return scores.length ? scores.reduce((sum, s) => sum + s, 0) / scores.length : null;
}

/** A run as the API shows it; `environmentName` is the release's environment (null for a sandbox run). */
export function testSuiteRunView(row: TestSuiteRunRow, environmentName: string | null) {
  const results = row.results as CaseResult[];
  return {
    id: row.id,
    test_suite_id: row.testSuiteId,
    test_suite_revision: row.testSuiteRevision,
    release_id: row.releaseId,
    environment: environmentName,
    sandbox_id: row.sandboxId,
    sandbox_revision: row.sandboxRevision,
    content_hash: row.contentHash,
    status: row.status,
    total_cases: row.totalCases,
    passed_cases: row.passedCases,
    pass_rate: row.passRate,
    mean_evaluator_score: meanEvaluatorScore(results),
    results,
    error: row.error,
    created_at: row.createdAt,
    created_by: row.createdBy,
    completed_at: row.completedAt,
  };
}
export type TestSuiteRunView = ReturnType<typeof testSuiteRunView>;

/** A run without its per-case results, for lists. */
export function runSummary(view: TestSuiteRunView) {
  const { results: _results, ...summary } = view;
  return summary;
}

/** A run of a release is visible where the release is; a run of a sandbox draft, like the sandbox, to every key that may read. */
export async function getTestSuiteRun(deps: Deps, principal: Principal, id: string): Promise<Result<TestSuiteRunView>> {
  const found = await findTestSuiteRun(deps.db, principal.workspaceId, id);
  const visible = found?.environmentId === null ? ok(found) : authorize(principal, found, "read", `No test suite run with id "${id}"`);
  if (!visible.ok) return visible;
  const row = visible.value;
  const names = row.environmentId ? await environmentNames(deps.db, principal.workspaceId) : new Map<string, string>();
  return ok(testSuiteRunView(row, row.environmentId ? (names.get(row.environmentId) ?? null) : null));
}

/** A suite's runs the key may see, newest first, optionally of one release; without per-case results. */
export async function listRunsOfSuite(
  deps: Deps,
  principal: Principal,
  testSuiteId: string,
  query: { cursor?: string | undefined; limit: number; release_id?: string | undefined },
) {
  const list = { name: "test-suite-runs", filters: { test_suite: testSuiteId, release_id: query.release_id } };
  const before = decodeCursor<string>(query.cursor, "string", list);
  if (!before.ok) return before;
  const suite = await findTestSuite(deps.db, principal.workspaceId, testSuiteId);
  if (!suite) return fail("NOT_FOUND", `No test suite with id "${testSuiteId}"`);
  const [rows, names] = await Promise.all([
    listTestSuiteRuns(
      deps.db,
      principal.workspaceId,
      suite.id,
      { visibleFromEnvironmentId: principal.environment?.id, releaseId: query.release_id, beforeId: before.value },
      query.limit + 1,
    ),
    environmentNames(deps.db, principal.workspaceId),
  ]);
  return ok(
    toPage(
      rows,
      query.limit,
      (r) => r.id,
      (r) => runSummary(testSuiteRunView(r, r.environmentId ? (names.get(r.environmentId) ?? null) : null)),
      list,
    ),
  );
}
