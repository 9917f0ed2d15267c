import type { Deps, Principal } from "../context";
import { fail, ok, type Result } from "../lib/result";
import { findTestSuite, insertTestSuiteRun, type TestSuiteRunRow } from "../repositories/test-suites";
import { type AssertionResult, checkAssertion, type RunEvaluator } from "../runtime/assertions";
import type { Assertion, TestCase } from "../specs/test-case-spec";
import { actorOf, commitWithAudit } from "./audit-log";
import { runtimeContext } from "./execute-prompt";
import { runPromptDeployment } from "./run-prompt-deployment";
import { outputText, rejectionMessage, runSpec } from "./run-spec";
import { bindCases, resolveTestRunTarget, type TestRunRequest, type TestRunTarget } from "./test-run-target";
import { type CaseResult, runSummary, testSuiteRunView, type TestSuiteRunView } from "./test-suite-runs";

/** Cases run this many at a time: enough to overlap model latency, few enough for a Worker's connection limit. */
const CASE_CONCURRENCY = 4;
/** Stored outputs are cut here, so that 200 cases stay well within a D1 row. */
const MAX_STORED_OUTPUT = 2_000;

/** Maps over items with at most `limit` calls in flight, keeping their order. */
async function mapLimited<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index]!, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** The evaluator of a run: a prompt deployment of the environment under test, given the inputs it declares. */
function evaluatorIn(deps: Deps, workspaceId: string, target: TestRunTarget): RunEvaluator {
  const runtime = runtimeContext(deps);
  return (assertion, output, testCase) => {
    const values: Record<string, unknown> = { ...testCase.inputs, output };
    if (testCase.expected !== undefined) values.expected = typeof testCase.expected === "string" ? testCase.expected : JSON.stringify(testCase.expected);
    return runPromptDeployment(deps, runtime, workspaceId, target.env, { name: assertion.deployment, tag: assertion.release_tag, values, declaredOnly: true });
  };
}

/** An assertion that throws (a schema construct the validator trips on) fails with the reason instead of failing the whole run. */
async function safelyChecked(assertion: Assertion, output: string, testCase: TestCase, evaluate: RunEvaluator): Promise<AssertionResult> {
  try {
    return await checkAssertion(assertion, output, testCase, evaluate);
  } catch (error) {
    return { type: assertion.type, passed: false, message: `The assertion could not be checked: ${error instanceof Error ? error.message.slice(0, 300) : "unknown error"}` };
  }
}

async function runCase(deps: Deps, workspaceId: string, target: TestRunTarget, testCase: TestCase, values: Record<string, unknown>, evaluate: RunEvaluator): Promise<CaseResult> {
  const started = deps.now().getTime();
  const run = await runSpec(deps, workspaceId, target.env, target.spec, values);
  const output = outputText(run);
  const assertions: AssertionResult[] = [];
  // A rejected run has no output to judge: the case fails with the runtime's error, and its assertions are not run.
  if (output !== null) for (const assertion of testCase.assertions) assertions.push(await safelyChecked(assertion, output, testCase, evaluate));
  const stored = output !== null && output.length > MAX_STORED_OUTPUT ? { output: output.slice(0, MAX_STORED_OUTPUT), output_truncated: true } : { output };
  return {
    case_id: testCase.id,
    name: testCase.name,
    passed: output !== null && assertions.every((a) => a.passed),
    ...stored,
    error: rejectionMessage(run),
    duration_ms: deps.now().getTime() - started,
    assertions,
  };
}

/**
 * Runs every case of a suite through the runtime against a release or a
 * sandbox draft, synchronously, and stores the run with one audit event.
 * Nothing is recorded as an execution: test runs are not production traffic.
 * A case whose run is rejected (an upstream error, a template failing on its
 * inputs) fails with the error; the run still completes.
 *
 * This is where a run completes: what must follow a completed run (promotion
 * gates waiting on the suite, the `test_suite_run.completed` webhook) hooks in
 * after the commit below.
 */
export async function runTestSuite(deps: Deps, principal: Principal, testSuiteId: string, request: TestRunRequest): Promise<Result<TestSuiteRunView>> {
  const suite = await findTestSuite(deps.db, principal.workspaceId, testSuiteId);
  if (!suite) return fail("NOT_FOUND", `No test suite with id "${testSuiteId}"`);
  const target = await resolveTestRunTarget(deps, principal, request);
  if (!target.ok) return target;
  const cases = suite.cases as TestCase[];
  const values = bindCases(target.value.spec.spec.input_variables, cases);
  if (!values.ok) return values;

  const createdAt = deps.now().toISOString();
  const evaluate = evaluatorIn(deps, principal.workspaceId, target.value);
  const results = await mapLimited(cases, CASE_CONCURRENCY, (testCase, i) => runCase(deps, principal.workspaceId, target.value, testCase, values.value[i]!, evaluate));
  const passed = results.filter((r) => r.passed).length;
  const subject = target.value.subject;
  const row: TestSuiteRunRow = {
    id: deps.newId("testSuiteRun"),
    workspaceId: principal.workspaceId,
    testSuiteId: suite.id,
    testSuiteRevision: suite.revision,
    releaseId: subject.type === "release" ? subject.releaseId : null,
    environmentId: subject.type === "release" ? subject.environmentId : null,
    sandboxId: subject.type === "sandbox" ? subject.sandboxId : null,
    sandboxRevision: subject.type === "sandbox" ? subject.sandboxRevision : null,
    contentHash: target.value.contentHash,
    status: "completed",
    totalCases: results.length,
    passedCases: passed,
    // An empty suite has no pass rate: a gate must not read it as 0 % or 100 %.
    passRate: results.length ? passed / results.length : null,
    results,
    error: null,
    createdAt,
    createdBy: principal.keyId,
    completedAt: deps.now().toISOString(),
  };
  const view = testSuiteRunView(row, subject.type === "release" ? target.value.env.name : null);
  await commitWithAudit(deps, principal.workspaceId, [insertTestSuiteRun(deps.db, row)], {
    actor: actorOf(principal),
    action: "test_suite_run.completed",
    targetType: "test_suite_run",
    targetId: row.id,
    environmentId: row.environmentId,
    before: null,
    // The summary only: the per-case results stay in the run.
    after: { ...runSummary(view), ran_in_environment: target.value.env.name },
  });
  return ok(view);
}

