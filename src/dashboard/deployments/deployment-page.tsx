import type { Principal } from "../../context";
import type { ReleaseView } from "../../releases/views";
import type { RolloutView } from "../../rollouts/views";
import { keyName } from "../key-names";
import { Layout, type SignedIn } from "../layout";
import { type DeploymentHistory, type EnvironmentHistory, liveRelease } from "./history";
import { type OutcomeLine, REFUSALS, ROLLOUT_DONE } from "./outcome";
import { compareHref, deploymentHref, releaseHref, rolloutStartHref, SourceText, Tags, When } from "./release-parts";
import { EndedRollouts, percentText, RolloutPanel } from "./rollout-panel";
import { mayRollOutInto } from "./rollout-start";
import type { DeploymentRollouts } from "./rollouts";

function OutcomeMessage(props: { line: OutcomeLine }) {
  const { line } = props;
  switch (line.kind) {
    case "released":
      return (
        <li>
          Released into {line.environment} as <a href={releaseHref(line.releaseId)}>v{line.version}</a>.
        </li>
      );
    case "reverted":
      return (
        <li>
          Reverted {line.environment}: it now serves <a href={releaseHref(line.releaseId)}>v{line.version}</a>.
        </li>
      );
    case "requested":
      return (
        <li>
          Waiting for approval to enter {line.environment} ({line.approvals} of {line.required} approvals): see <a href="/approvals">Approvals</a>.
        </li>
      );
    case "rollout":
      return <li>{ROLLOUT_DONE[line.code]}</li>;
    case "refused":
      return (
        <li>
          Refused ({line.code}): {REFUSALS[line.code]} Nothing was changed.
        </li>
      );
  }
}

function Outcome(props: { lines: OutcomeLine[] }) {
  const refused = props.lines.filter((l) => l.kind === "refused");
  const done = props.lines.filter((l) => l.kind !== "refused");
  return (
    <>
      {done.length ? (
        <div role="status">
          <ul class="notice outcome">
            {done.map((line) => (
              <OutcomeMessage line={line} />
            ))}
          </ul>
        </div>
      ) : null}
      {refused.length ? (
        <div role="alert">
          <ul class="error outcome">
            {refused.map((line) => (
              <OutcomeMessage line={line} />
            ))}
          </ul>
        </div>
      ) : null}
    </>
  );
}

/** Links to compare a release with the live release of each other environment and with the release before it. */
function CompareLinks(props: { release: ReleaseView; previous: ReleaseView | undefined; others: { name: string; live: ReleaseView }[] }) {
  const { release, previous } = props;
  const others = props.others.filter((o) => o.live.id !== release.id);
  if (!previous && others.length === 0) return null;
  return (
    <ul class="compare-links" aria-label={`Compare v${release.version} with`}>
      {others.map((o) => (
        <li>
          <a href={compareHref(o.live.id, release.id)}>
            Compare with {o.name} live (v{o.live.version}){o.live.content_hash === release.content_hash ? ", same content" : ""}
          </a>
        </li>
      ))}
      {previous ? (
        <li>
          <a href={compareHref(previous.id, release.id)}>Compare with previous (v{previous.version})</a>
        </li>
      ) : null}
    </ul>
  );
}

/** "rolling out: 25%" on a rollout's candidate, "stable: 75%" on the release it is measured against. */
function RolloutBadge(props: { release: ReleaseView; rollout: RolloutView | null }) {
  const { rollout, release } = props;
  if (!rollout) return null;
  if (release.id === rollout.candidate_release_id) {
    return <span class="rollout-badge">{rollout.mode === "shadow" ? `shadowing ${percentText(rollout.percent)}` : `rolling out: ${percentText(rollout.percent)}`}</span>;
  }
  if (release.id === rollout.stable_release_id && rollout.mode !== "shadow") return <span class="rollout-badge stable">stable: {percentText(100 - rollout.percent)}</span>;
  return null;
}

function EnvironmentSection(props: {
  history: DeploymentHistory;
  env: EnvironmentHistory;
  rollouts: DeploymentRollouts;
  mayPromoteFrom: (env: EnvironmentHistory) => boolean;
  principal: Principal;
  csrf: string;
  now: Date;
}) {
  const { history, env } = props;
  const name = env.environment.name;
  const { active, ended } = props.rollouts.byEnvironment.get(name) ?? { active: null, ended: [] };
  const mayRollOut = (release: ReleaseView) => history.environments.some((other) => mayRollOutInto(props.principal, release, other.environment));
  const deploymentName = history.deployment.name;
  const live = liveRelease(env);
  const others = history.environments.flatMap((o) => {
    const otherLive = liveRelease(o);
    return o !== env && otherLive ? [{ name: o.environment.name, live: otherLive }] : [];
  });
  const headingId = `env-${name}`;
  return (
    <section class="environment-history" aria-labelledby={headingId} data-environment={name}>
      <div class="section-head">
        <h2 id={headingId}>{env.environment.label.toLowerCase() === name ? env.environment.label : `${env.environment.label} (${name})`}</h2>
        {env.mayPromote && env.releases.length > 1 ? (
          <a class="button-link secondary" href={`${deploymentHref(deploymentName)}/environments/${encodeURIComponent(name)}/revert`}>
            Revert {name}…
          </a>
        ) : null}
      </div>
      {active ? <RolloutPanel rollout={active} rollouts={props.rollouts} mayAct={env.mayPromote} csrf={props.csrf} now={props.now} /> : null}
      {env.releases.length === 0 ? (
        <p class="none">Not deployed in {name} yet.</p>
      ) : (
        <section class="table-scroll" tabindex={0} aria-label={`Release history in ${name}`}>
          <table class="history">
            <caption class="hint">
              Releases of {deploymentName} in {name}, newest first{live ? `; v${live.version} is live` : ""}
              {env.truncated ? " (the newest only)" : ""}
            </caption>
            <thead>
              <tr>
                <th scope="col">Version</th>
                <th scope="col">Source</th>
                <th scope="col">Created</th>
                <th scope="col">Tags</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {env.releases.map((release, i) => (
                <tr data-release={release.id} data-version={release.version} class={release === live ? "live" : undefined}>
                  <th scope="row">
                    <a href={releaseHref(release.id)} class="version">
                      v{release.version}
                    </a>
                    {release === live ? <span class="live-badge">live</span> : null}
                    <RolloutBadge release={release} rollout={active} />
                  </th>
                  <td>
                    <SourceText source={history.sources.get(release.id)} />
                  </td>
                  <td>
                    <When iso={release.created_at} now={props.now} />
                    <span class="meta">by {keyName(history.authors, release.created_by)}</span>
                  </td>
                  <td>
                    <Tags release={release} />
                  </td>
                  <td>
                    <div class="row-actions">
                      <CompareLinks release={release} previous={env.releases[i + 1]} others={others} />
                      {props.mayPromoteFrom(env) ? (
                        <a class="button-link" href={`${releaseHref(release.id)}/promote`} aria-label={`Promote ${name} v${release.version}…`}>
                          Promote…
                        </a>
                      ) : null}
                      {mayRollOut(release) ? (
                        <a class="button-link secondary" href={rolloutStartHref(release.id)} aria-label={`Start a rollout of ${name} v${release.version}…`}>
                          Start a rollout…
                        </a>
                      ) : null}
                    </div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
      <EndedRollouts environment={name} ended={ended} rollouts={props.rollouts} now={props.now} />
    </section>
  );
}

/** A deployment's release history in every environment the key may read, with compare, promote and revert where it may. */
export function DeploymentPage(props: { history: DeploymentHistory; rollouts: DeploymentRollouts; outcome: OutcomeLine[]; signedIn: SignedIn; now: Date }) {
  const { history } = props;
  const { deployment } = history;
  // Promoting needs `promote` in some environment other than the release's own.
  const mayPromoteFrom = (env: EnvironmentHistory) => history.environments.some((other) => other !== env && other.mayPromote);
  return (
    <Layout title={deployment.name} current="/" signedIn={props.signedIn}>
      <nav aria-label="Breadcrumb" class="breadcrumb">
        <a href="/">Overview</a> › <span aria-current="page">{deployment.name}</span>
      </nav>
      <h1>
        {deployment.name} <span class="kind">{deployment.kind} deployment</span>
      </h1>
      <Outcome lines={props.outcome} />
      <p class="hint">
        Each environment keeps its own numbered releases. Open a release to read its spec, compare two releases to see what changed, promote a tested release into the next
        environment (at once, or gradually with a rollout that watches error rates), or revert an environment to the release before its live one.
      </p>
      {history.environments.map((env) => (
        <EnvironmentSection
          history={history}
          env={env}
          rollouts={props.rollouts}
          mayPromoteFrom={mayPromoteFrom}
          principal={props.signedIn.principal}
          csrf={props.signedIn.csrf}
          now={props.now}
        />
      ))}
    </Layout>
  );
}
