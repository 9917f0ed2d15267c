import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { hasScope } from "../../access/permissions";
import type { AppEnv, Principal } from "../../context";
import type { Router } from "../../http/router";
import { problemCatalog } from "../../lib/problem";
import { RunTestSuiteBody } from "../../routes/test-suites/schemas";
import { getTestSuiteRun, listRunsOfSuite } from "../../testing/read-test-runs";
import { runTestSuite } from "../../testing/run-test-suite";
import { getTestSuite } from "../../testing/test-suites";
import { keyName, keyNames } from "../key-names";
import { action, type CurrentSession, field, notFound, page, param } from "../pages";
import { RunPage } from "./run-page";
import { readRunSubjects } from "./run-subjects";
import { readRunTargets } from "./run-targets";
import { SuitePage } from "./suite-page";
import { readSuiteSummaries } from "./suite-summaries";
import { SuitesPage } from "./suites-page";

/** How many of a suite's runs its page lists. */
const RECENT_RUNS = 20;

/** Suites and runs are read with `read` somewhere, as the API's routes require. */
const mayRead = (principal: Principal) => hasScope(principal, "read", principal.environment?.id ?? null);

async function renderSuite(c: Context<AppEnv>, signedIn: CurrentSession, id: string, error?: { detail: string; status: ContentfulStatusCode }) {
  const deps = c.get("deps");
  const suite = await getTestSuite(deps, signedIn.principal, id);
  if (!suite.ok) return notFound(c, signedIn);
  const [targets, runs] = await Promise.all([readRunTargets(deps, signedIn.principal, suite.value), listRunsOfSuite(deps, signedIn.principal, id, { limit: RECENT_RUNS })]);
  const summaries = runs.ok ? runs.value.data : [];
  const [subjects, names] = await Promise.all([
    readRunSubjects(deps, signedIn.principal, summaries),
    keyNames(deps, signedIn.principal, [suite.value.updated_by, ...summaries.map((run) => run.created_by)]),
  ]);
  return c.html(
    <SuitePage
      suite={suite.value}
      targets={targets}
      runs={summaries.map((run, i) => ({ run, subject: subjects[i]! }))}
      names={names}
      signedIn={signedIn}
      now={deps.now()}
      error={error?.detail}
    />,
    error?.status ?? 200,
  );
}

export function registerTestSuitePages(app: Router) {
  page(app, "/test-suites", async (c, signedIn) => {
    const deps = c.get("deps");
    if (!mayRead(signedIn.principal)) {
      return c.html(<SuitesPage summaries={[]} signedIn={signedIn} now={deps.now()} error="This key may not read test suites: that needs the read scope." />, 403);
    }
    const summaries = await readSuiteSummaries(deps, signedIn.principal);
    return c.html(
      <SuitesPage summaries={summaries.ok ? summaries.value : []} signedIn={signedIn} now={deps.now()} error={summaries.ok ? undefined : summaries.error.detail} />,
      summaries.ok ? 200 : problemCatalog[summaries.error.code].status,
    );
  });

  page(app, "/test-suites/:id", async (c, signedIn) => {
    if (!mayRead(signedIn.principal)) return notFound(c, signedIn);
    return renderSuite(c, signedIn, param(c, "id"));
  });

  action(app, "/test-suites/:id/runs", async (c, signedIn, form) => {
    const id = param(c, "id");
    const given = (name: string) => field(form, name) || undefined;
    const request = RunTestSuiteBody.safeParse({ release_id: given("release_id"), sandbox_id: given("sandbox_id"), environment: given("environment") });
    if (!request.success)
      return renderSuite(c, signedIn, id, { detail: "The run form was not filled in correctly: choose a release, or a sandbox and an environment.", status: 400 });
    const run = await runTestSuite(c.get("deps"), signedIn.principal, id, request.data);
    if (!run.ok) {
      // Another environment's release, or a suite or sandbox that does not exist: the same 404 either way.
      if (run.error.code === "NOT_FOUND") return notFound(c, signedIn);
      return renderSuite(c, signedIn, id, { detail: run.error.detail, status: problemCatalog[run.error.code].status });
    }
    return c.redirect(`/test-suite-runs/${encodeURIComponent(run.value.id)}?done=ran`, 303);
  });

  page(app, "/test-suite-runs/:id", async (c, signedIn) => {
    const deps = c.get("deps");
    if (!mayRead(signedIn.principal)) return notFound(c, signedIn);
    const run = await getTestSuiteRun(deps, signedIn.principal, param(c, "id"));
    if (!run.ok) return notFound(c, signedIn);
    const [suite, [subject], names] = await Promise.all([
      getTestSuite(deps, signedIn.principal, run.value.test_suite_id),
      readRunSubjects(deps, signedIn.principal, [run.value]),
      keyNames(deps, signedIn.principal, [run.value.created_by]),
    ]);
    return c.html(
      <RunPage
        run={run.value}
        suiteName={suite.ok ? suite.value.name : null}
        subject={subject!}
        startedBy={keyName(names, run.value.created_by)}
        signedIn={signedIn}
        now={deps.now()}
        justRan={c.req.query("done") === "ran"}
      />,
    );
  });
}
