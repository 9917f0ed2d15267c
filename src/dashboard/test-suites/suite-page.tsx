import type { TestCase } from "../../specs/test-case-spec";
import type { TestSuiteView } from "../../testing/test-suites";
import { type KeyNames, keyName } from "../key-names";
import { Layout, type SignedIn } from "../layout";
import { age } from "../overview-page";
import { assertionText, PassRate, SubjectLabel, valueText } from "./run-parts";
import type { RunSubject } from "./run-subjects";
import type { RunTargets } from "./run-targets";
import type { RunSummary } from "./suite-summaries";

function CaseRow(props: { testCase: TestCase; index: number }) {
  const { testCase } = props;
  const inputs = Object.entries(testCase.inputs);
  return (
    <tr data-case={testCase.id}>
      <th scope="row">
        {testCase.name ?? `Case ${props.index + 1}`}
        <span class="meta">{testCase.id}</span>
      </th>
      <td>
        {inputs.length === 0 ? (
          <span class="none">No inputs</span>
        ) : (
          <dl class="ts-values">
            {inputs.map(([name, value]) => (
              <div>
                <dt>{name}</dt>
                <dd>
                  <pre>{valueText(value)}</pre>
                </dd>
              </div>
            ))}
          </dl>
        )}
      </td>
      <td>{testCase.expected === undefined ? <span class="none">—</span> : <pre>{valueText(testCase.expected)}</pre>}</td>
      <td>
        {testCase.assertions.length === 0 ? (
          <span class="none">None: the case passes when its run succeeds</span>
        ) : (
          <ul class="ts-assertions">
            {testCase.assertions.map((assertion) => (
              <li>
                {assertionText(assertion)}
                {assertion.type === "json_schema" ? <pre>{JSON.stringify(assertion.schema, null, 2)}</pre> : null}
              </li>
            ))}
          </ul>
        )}
      </td>
    </tr>
  );
}

function RunForms(props: { suite: TestSuiteView; targets: RunTargets; csrf: string }) {
  const { suite, targets } = props;
  const action = `/test-suites/${encodeURIComponent(suite.id)}/runs`;
  if (targets.environments.length === 0) return <p class="none">This key may not run test suites: that needs the execute scope in an environment.</p>;
  return (
    <div class="ts-run-forms">
      {suite.deployment_id === null ? null : (
        <form method="post" action={action} class="ts-run">
          <h3>Against a release</h3>
          <input type="hidden" name="csrf" value={props.csrf} />
          {targets.releases.length === 0 ? (
            <p class="none">No environment where this key may run tests has a live release of {suite.deployment}.</p>
          ) : (
            <>
              <label for="run-release">Release</label>
              <select id="run-release" name="release_id">
                {targets.releases.map((r) => (
                  <option value={r.releaseId}>{`${r.environment}: v${r.version} (live${r.tags.length ? `, ${r.tags.join(", ")}` : ""})`}</option>
                ))}
              </select>
              <p class="hint">The cases run in the release's environment, with its variables and secrets.</p>
              <button type="submit">Run against release</button>
            </>
          )}
        </form>
      )}
      <form method="post" action={action} class="ts-run">
        <h3>Against a sandbox draft</h3>
        <input type="hidden" name="csrf" value={props.csrf} />
        {targets.sandboxes.length === 0 ? (
          <p class="none">No sandbox exists yet.</p>
        ) : (
          <>
            <label for="run-sandbox">Sandbox</label>
            <select id="run-sandbox" name="sandbox_id">
              {targets.sandboxes.map((s) => (
                <option value={s.id}>{`${s.name} (revision ${s.revision})${s.ofSuiteDeployment ? " — this suite's deployment" : ""}`}</option>
              ))}
            </select>
            <label for="run-environment">Run in environment</label>
            <select id="run-environment" name="environment">
              {targets.environments.map((name) => (
                <option value={name}>{name}</option>
              ))}
            </select>
            <p class="hint">The latest saved revision of the draft runs with that environment's variables and secrets, without deploying.</p>
            <button type="submit">Run against draft</button>
          </>
        )}
      </form>
    </div>
  );
}

/** A suite: its cases, a Run form offering exactly the targets the key may run it on, and its recent runs. */
export function SuitePage(props: {
  suite: TestSuiteView;
  targets: RunTargets;
  runs: { run: RunSummary; subject: RunSubject }[];
  /** The names of the keys that updated the suite and started its runs. */
  names: KeyNames;
  signedIn: SignedIn;
  now: Date;
  error?: string | undefined;
}) {
  const { suite } = props;
  return (
    <Layout title={`Test suite ${suite.name}`} current="/test-suites" signedIn={props.signedIn}>
      <nav aria-label="Breadcrumb" class="breadcrumb">
        <a href="/test-suites">Test suites</a> › <span aria-current="page">{suite.name}</span>
      </nav>
      <h1>{suite.name}</h1>
      {suite.description ? <p>{suite.description}</p> : null}
      <p class="meta">
        {suite.deployment ? `Tests the deployment ${suite.deployment}` : "Tests sandbox drafts (no deployment)"} · revision {suite.revision} · updated{" "}
        <time datetime={suite.updated_at}>{age(suite.updated_at, props.now)}</time> by {keyName(props.names, suite.updated_by)}
      </p>

      <section aria-labelledby="run-heading">
        <h2 id="run-heading">Run this suite</h2>
        {props.error ? (
          <p class="error" role="alert">
            {props.error}
          </p>
        ) : null}
        <RunForms suite={suite} targets={props.targets} csrf={props.signedIn.csrf} />
      </section>

      <section aria-labelledby="cases-heading">
        <h2 id="cases-heading">Cases ({suite.cases.length})</h2>
        {suite.cases.length === 0 ? (
          <p>This suite has no cases.</p>
        ) : (
          <section class="ts-scroll" tabindex={0} aria-label="Cases table">
            <table>
              <caption class="hint">Each case's inputs, its expected output and the assertions its output must pass</caption>
              <thead>
                <tr>
                  <th scope="col">Case</th>
                  <th scope="col">Inputs</th>
                  <th scope="col">Expected</th>
                  <th scope="col">Assertions</th>
                </tr>
              </thead>
              <tbody>
                {suite.cases.map((testCase, i) => (
                  <CaseRow testCase={testCase} index={i} />
                ))}
              </tbody>
            </table>
          </section>
        )}
      </section>

      <section aria-labelledby="runs-heading">
        <h2 id="runs-heading">Recent runs</h2>
        {props.runs.length === 0 ? (
          <p>This suite has not run yet{props.signedIn.principal.environment ? ` in ${props.signedIn.principal.environment.name}` : ""}.</p>
        ) : (
          <section class="ts-scroll" tabindex={0} aria-label="Recent runs table">
            <table>
              <caption class="hint">Newest first; open a run for each case's result</caption>
              <thead>
                <tr>
                  <th scope="col">Run</th>
                  <th scope="col">Tested</th>
                  <th scope="col">Pass rate</th>
                  <th scope="col">Status</th>
                </tr>
              </thead>
              <tbody>
                {props.runs.map(({ run, subject }) => (
                  <tr data-run={run.id}>
                    <th scope="row">
                      <a href={`/test-suite-runs/${encodeURIComponent(run.id)}`}>
                        <time datetime={run.created_at}>{age(run.created_at, props.now)}</time>
                      </a>
                      <span class="meta">by {keyName(props.names, run.created_by)}</span>
                    </th>
                    <td>
                      <SubjectLabel subject={subject} />
                    </td>
                    <td>
                      <PassRate rate={run.pass_rate} passed={run.passed_cases} total={run.total_cases} />
                    </td>
                    <td>{run.status}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
        )}
      </section>
    </Layout>
  );
}
