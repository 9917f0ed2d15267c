import type { CaseResult, TestSuiteRunView } from "../../testing/read-test-runs";
import { Layout, type SignedIn } from "../layout";
import { age } from "../overview-page";
import { PassRate, SubjectLabel, Verdict } from "./run-parts";
import type { RunSubject } from "./run-subjects";

function CaseResultRow(props: { result: CaseResult; index: number }) {
  const { result } = props;
  return (
    <tr data-case={result.case_id} data-passed={String(result.passed)}>
      <th scope="row">
        {result.name ?? `Case ${props.index + 1}`}
        <span class="meta">{result.case_id}</span>
      </th>
      <td>
        <Verdict passed={result.passed} />
      </td>
      <td>
        {result.error ? (
          <p class="error">Run rejected: {result.error}</p>
        ) : result.assertions.length === 0 ? (
          <span class="none">No assertions: the run succeeded</span>
        ) : (
          <ul class="ts-assertions">
            {result.assertions.map((a) => (
              <li class={a.passed ? "ts-passed" : "ts-failed"}>
                <strong>{a.passed ? "✓" : "✗"}</strong> {a.type}: {a.message}
                {a.score === undefined ? null : <span class="meta">score {a.score}</span>}
              </li>
            ))}
          </ul>
        )}
      </td>
      <td>
        {result.output === null ? (
          <span class="none">No output</span>
        ) : (
          <>
            <pre class="ts-output">{result.output}</pre>
            {result.output_truncated ? <span class="meta">Cut at 2,000 characters</span> : null}
          </>
        )}
      </td>
      <td>{result.duration_ms} ms</td>
    </tr>
  );
}

/** One run: what it tested, the overall pass rate, and every case's verdict, assertions, output and latency. */
export function RunPage(props: { run: TestSuiteRunView; suiteName: string | null; subject: RunSubject; startedBy: string; signedIn: SignedIn; now: Date; justRan: boolean }) {
  const { run } = props;
  const suiteLink = `/test-suites/${encodeURIComponent(run.test_suite_id)}`;
  const failed = run.results.filter((r) => !r.passed).length;
  return (
    <Layout title={`Run of ${props.suiteName ?? "a test suite"}`} current="/test-suites" signedIn={props.signedIn}>
      <nav aria-label="Breadcrumb" class="breadcrumb">
        <a href="/test-suites">Test suites</a> › <a href={suiteLink}>{props.suiteName ?? run.test_suite_id}</a> › <span aria-current="page">Run</span>
      </nav>
      <h1>Run of {props.suiteName ?? run.test_suite_id}</h1>
      {props.justRan ? (
        <p class="notice" role="status">
          The suite ran: {run.passed_cases} of {run.total_cases} cases passed.
        </p>
      ) : null}
      <dl class="ts-summary">
        <div>
          <dt>Pass rate</dt>
          <dd>
            <PassRate rate={run.pass_rate} passed={run.passed_cases} total={run.total_cases} />
          </dd>
        </div>
        <div>
          <dt>Tested</dt>
          <dd>
            <SubjectLabel subject={props.subject} />
          </dd>
        </div>
        <div>
          <dt>Status</dt>
          <dd>
            {run.status}
            {run.status === "running" ? (
              <>
                {" "}
                <a href={`/test-suite-runs/${encodeURIComponent(run.id)}`}>Refresh</a>
              </>
            ) : null}
            {run.error ? <span class="error">{run.error}</span> : null}
          </dd>
        </div>
        <div>
          <dt>Started</dt>
          <dd>
            <time datetime={run.created_at}>{age(run.created_at, props.now)}</time> by {props.startedBy}
          </dd>
        </div>
        <div>
          <dt>Suite revision</dt>
          <dd>{run.test_suite_revision}</dd>
        </div>
        {run.mean_evaluator_score === null ? null : (
          <div>
            <dt>Mean evaluator score</dt>
            <dd>{Math.round(run.mean_evaluator_score * 1000) / 1000}</dd>
          </div>
        )}
      </dl>
      <h2>Cases{failed > 0 ? ` (${failed} failed)` : ""}</h2>
      {run.results.length === 0 ? (
        <p>{run.status === "running" ? "The cases are still running." : "The suite had no cases."}</p>
      ) : (
        <section class="ts-scroll" tabindex={0} aria-label="Case results table">
          <table>
            <caption class="hint">Each case's verdict, its assertions' outcomes, the output they judged and how long the case took</caption>
            <thead>
              <tr>
                <th scope="col">Case</th>
                <th scope="col">Result</th>
                <th scope="col">Assertions</th>
                <th scope="col">Output</th>
                <th scope="col">Latency</th>
              </tr>
            </thead>
            <tbody>
              {run.results.map((result, i) => (
                <CaseResultRow result={result} index={i} />
              ))}
            </tbody>
          </table>
        </section>
      )}
      <p>
        <a href={suiteLink}>Back to the suite, to see its cases or run it again</a>
      </p>
    </Layout>
  );
}
