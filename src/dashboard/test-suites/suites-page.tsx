import { Layout, type SignedIn } from "../layout";
import { age } from "../overview-page";
import { PassRate, SubjectLabel } from "./run-parts";
import type { SuiteSummary } from "./suite-summaries";

/** Every test suite of the workspace, with what it tests and how its newest visible run went. */
export function SuitesPage(props: { summaries: SuiteSummary[]; signedIn: SignedIn; now: Date; error?: string | undefined }) {
  return (
    <Layout title="Test suites" current="/test-suites" signedIn={props.signedIn}>
      <h1>Test suites</h1>
      <p class="hint">
        A test suite is a list of cases (inputs and what the output must satisfy). Run one against a release or a sandbox draft to see which cases pass. Environments with a test
        gate only accept releases that passed their deployment's suites.
      </p>
      {props.error ? (
        <p class="error" role="alert">
          {props.error}
        </p>
      ) : props.summaries.length === 0 ? (
        <p>No test suite exists yet. Suites are created through the API or the CLI (POST /v1/test-suites).</p>
      ) : (
        <section class="ts-scroll" tabindex={0} aria-label="Test suites table">
          <table>
            <caption class="hint">Test suites, newest first</caption>
            <thead>
              <tr>
                <th scope="col">Suite</th>
                <th scope="col">Tests</th>
                <th scope="col">Cases</th>
                <th scope="col">Latest run</th>
                <th scope="col">Pass rate</th>
              </tr>
            </thead>
            <tbody>
              {props.summaries.map(({ suite, latest }) => (
                <tr data-suite={suite.id}>
                  <th scope="row">
                    <a href={`/test-suites/${encodeURIComponent(suite.id)}`}>{suite.name}</a>
                    {suite.description ? <span class="meta">{suite.description}</span> : null}
                  </th>
                  <td>{suite.deployment ? <span>Deployment {suite.deployment}</span> : <span class="none">Sandbox drafts (no deployment)</span>}</td>
                  <td>{suite.cases.length}</td>
                  <td>
                    {latest ? (
                      <span>
                        <a href={`/test-suite-runs/${encodeURIComponent(latest.run.id)}`}>
                          <time datetime={latest.run.created_at}>{age(latest.run.created_at, props.now)}</time>
                        </a>
                        <span class="meta">
                          on <SubjectLabel subject={latest.subject} />
                        </span>
                      </span>
                    ) : (
                      <span class="none">Never run</span>
                    )}
                  </td>
                  <td>{latest ? <PassRate rate={latest.run.pass_rate} passed={latest.run.passed_cases} total={latest.run.total_cases} /> : <span class="none">—</span>}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
    </Layout>
  );
}
