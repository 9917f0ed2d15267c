import { actorOf, commitWithAudit } from "../audit/audit-log";
import type { Deps, Principal } from "../context";
import type { Write } from "../db/batch";
import { runtimeContext } from "../invoke/prepare-prompt";
import { runPromptDeployment } from "../invoke/run-prompt-deployment";
import { log } from "../lib/log";
import { fail, ok, type Result } from "../lib/result";
import { addQualitySamples } from "../metrics/rollup-repository";
import { findDeployment } from "../releases/deployment-repository";
import { settlePromotions } from "../releases/settle-promotions";
import type { Assertion, TestCase } from "../specs/test-case-spec";
import { outboxWrites, relayEvents, webhookEvent } from "../webhooks/outbox";
import { type AssertionResult, checkAssertion, type RunEvaluator } from "./assertions";
import { type CaseResult, runSummary, type TestSuiteRunView, testSuiteRunView } from "./read-test-runs";
import { outputText, rejectionMessage, runSpec } from "./run-spec";
import { bindCases, resolveTestRunTarget, type TestRunRequest, type TestRunTarget } from "./test-run-target";
import { findTestSuite, insertTestSuiteRun, type TestSuiteRow, type TestSuiteRunRow } from "./test-suite-repository";

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
  const runtime = runtimeContext(deps, target.env);
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
 * This is where a run completes: its evaluator scores go to the release's
 * metrics in the same commit, promotions held back by a test gate
 * on the release are settled after it, and the environment it ran in gets
 * a `test_suite_run.completed` webhook event (the summary, without the
 * per-case results), written to the event outbox in the same commit.
 */
export async function runTestSuite(deps: Deps, principal: Principal, testSuiteId: string, request: TestRunRequest): Promise<Result<TestSuiteRunView>> {
  const suite = await findTestSuite(deps.db, principal.workspaceId, testSuiteId);
  if (!suite) return fail("NOT_FOUND", `No test suite with id "${testSuiteId}"`);
  const target = await resolveTestRunTarget(deps, principal, request);
  if (!target.ok) return target;
  const mismatch = await deploymentMismatch(deps, principal.workspaceId, suite, target.value);
  if (mismatch) return mismatch;
  const cases = suite.cases as TestCase[];
  const values = bindCases(target.value.spec.spec.input_variables, cases);
  if (!values.ok) return values;

  const createdAt = deps.now().toISOString();
  const evaluate = evaluatorIn(deps, principal.workspaceId, target.value);
  const results = await mapLimited(cases, CASE_CONCURRENCY, (testCase, i) => runCase(deps, principal.workspaceId, target.value, testCase, values.value[i]!, evaluate));
  const row = runRow(deps, principal, suite, target.value, results, createdAt);
  const view = testSuiteRunView(row, target.value.subject.type === "release" ? target.value.env.name : null);
  const completed = webhookEvent(deps, {
    type: "test_suite_run.completed",
    workspaceId: principal.workspaceId,
    environment: { id: target.value.env.id, name: target.value.env.name },
    data: { test_suite: { id: suite.id, name: suite.name }, test_suite_run: runSummary(view) },
  });
  const writes = [insertTestSuiteRun(deps.db, row), ...qualitySamples(deps, principal.workspaceId, target.value, cases, results), ...outboxWrites(deps.db, [completed])];
  await commitWithAudit(deps, principal.workspaceId, writes, {
    actor: actorOf(principal),
    action: "test_suite_run.completed",
    targetType: "test_suite_run",
    targetId: row.id,
    environmentId: row.environmentId,
    before: null,
    // The summary only: the per-case results stay in the run.
    after: { ...runSummary(view), ran_in_environment: target.value.env.name },
  });
  // The event is committed with the run; should this send fail, the scheduled sweep relays it.
  await relayEvents(deps, [completed]);
  if (target.value.subject.type === "release") await settleWaitingPromotions(deps, principal.workspaceId, target.value.subject.releaseId);
  return ok(view);
}

/**
 * A suite that belongs to a deployment tests that deployment's releases
 * only: its cases are written for that deployment's inputs, and a pass
 * elsewhere would say nothing. Sandbox drafts may be tried with any suite.
 */
async function deploymentMismatch(deps: Deps, workspaceId: string, suite: TestSuiteRow, target: TestRunTarget) {
  const subject = target.subject;
  if (subject.type !== "release" || suite.deploymentId === null || subject.deploymentId === suite.deploymentId) return null;
  const [own, other] = await Promise.all([findDeployment(deps.db, workspaceId, suite.deploymentId), findDeployment(deps.db, workspaceId, subject.deploymentId)]);
  const ownName = own?.name ?? suite.deploymentId;
  return fail(
    "VALIDATION_FAILED",
    `The test suite "${suite.name}" tests the deployment "${ownName}"; release ${subject.releaseId} is of "${other?.name ?? subject.deploymentId}"`,
    [{ path: "body.release_id", message: `Not a release of the suite's deployment "${ownName}"` }],
  );
}

function runRow(deps: Deps, principal: Principal, suite: TestSuiteRow, target: TestRunTarget, results: CaseResult[], createdAt: string): TestSuiteRunRow {
  const passed = results.filter((r) => r.passed).length;
  const subject = target.subject;
  return {
    id: deps.newId("testSuiteRun"),
    workspaceId: principal.workspaceId,
    testSuiteId: suite.id,
    testSuiteRevision: suite.revision,
    releaseId: subject.type === "release" ? subject.releaseId : null,
    environmentId: subject.type === "release" ? subject.environmentId : null,
    sandboxId: subject.type === "sandbox" ? subject.sandboxId : null,
    sandboxRevision: subject.type === "sandbox" ? subject.sandboxRevision : null,
    contentHash: target.contentHash,
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
}

/**
 * A release run's evaluator scores count as quality samples in its
 * environment's metrics, on a 0–1 scale (score / `max_score`, default 1),
 * committed with the run. A score outside its evaluator's scale is judged
 * against `min_score` but is no quality, and is left out.
 */
function qualitySamples(deps: Deps, workspaceId: string, target: TestRunTarget, cases: TestCase[], results: CaseResult[]): Write[] {
  const subject = target.subject;
  if (subject.type !== "release") return [];
  // A fulfilled case's assertion results are in the order of its assertions.
  const scores = results.flatMap((result, i) =>
    result.assertions.flatMap((verdict, j) => {
      const assertion = cases[i]!.assertions[j];
      if (verdict.score === undefined || assertion?.type !== "evaluator") return [];
      const quality = verdict.score / (assertion.max_score ?? 1);
      return quality >= 0 && quality <= 1 ? [quality] : [];
    }),
  );
  if (scores.length === 0) return [];
  const sum = scores.reduce((total, score) => total + score, 0);
  return [
    addQualitySamples(deps.db, {
      workspaceId,
      environmentId: subject.environmentId,
      deploymentId: subject.deploymentId,
      releaseId: subject.releaseId,
      at: deps.now().getTime(),
      sum,
      count: scores.length,
    }),
  ];
}

/**
 * Promotions approved but held back by a test gate may pass now. The run is
 * already stored, so trouble here must not fail the request: the scheduled
 * job settles whatever is left.
 */
async function settleWaitingPromotions(deps: Deps, workspaceId: string, releaseId: string) {
  try {
    await settlePromotions(deps, { workspaceId, releaseId });
  } catch (error) {
    log.error("settling promotions after a test run failed", { request_id: deps.requestId, error });
  }
}
