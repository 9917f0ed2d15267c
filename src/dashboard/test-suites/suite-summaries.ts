import type { Deps, Principal } from "../../context";
import { ok, type Result } from "../../lib/result";
import { listRunsOfSuite, type runSummary } from "../../testing/read-test-runs";
import { listTestSuitesFor, type TestSuiteView } from "../../testing/test-suites";
import { type RunSubject, readRunSubjects } from "./run-subjects";

/** How many suites the list shows; far more than a workspace keeps. */
const LIMIT = 100;

export type RunSummary = ReturnType<typeof runSummary>;

/** One suite on the list: the suite and its newest run the key may see, with what that run tested. */
export interface SuiteSummary {
  suite: TestSuiteView;
  latest: { run: RunSummary; subject: RunSubject } | null;
}

export async function readSuiteSummaries(deps: Deps, principal: Principal): Promise<Result<SuiteSummary[]>> {
  const suites = await listTestSuitesFor(deps, principal, { limit: LIMIT });
  if (!suites.ok) return suites;
  const latest = await Promise.all(
    suites.value.data.map(async (suite) => {
      const runs = await listRunsOfSuite(deps, principal, suite.id, { limit: 1 });
      return runs.ok ? (runs.value.data[0] ?? null) : null;
    }),
  );
  const runs = latest.filter((run): run is RunSummary => run !== null);
  const subjects = await readRunSubjects(deps, principal, runs);
  const subjectOf = new Map(runs.map((run, i) => [run.id, subjects[i]!] as const));
  return ok(suites.value.data.map((suite, i) => ({ suite, latest: latest[i] ? { run: latest[i], subject: subjectOf.get(latest[i].id)! } : null })));
}
