import { Layout, type SignedIn } from "../layout";
import { compareHref, deploymentHref, releaseHref, SourceText, When } from "./release-parts";
import type { RevertPlan, RevertSide } from "./revert";

function Described(props: { side: RevertSide; now: Date }) {
  const { release } = props.side;
  return (
    <>
      <a href={releaseHref(release.id)}>v{release.version}</a>, created <When iso={release.created_at} now={props.now} /> by {props.side.author} (
      <SourceText source={props.side.source} />)
    </>
  );
}

/** Confirms a revert, naming exactly the release that comes back and the one it replaces. */
export function RevertPage(props: { plan: RevertPlan; signedIn: SignedIn; now: Date; error?: string | undefined }) {
  const { plan } = props;
  const { deployment, current, restored } = plan;
  const env = plan.environment.name;
  const action = `${deploymentHref(deployment.name)}/environments/${encodeURIComponent(env)}/revert`;
  return (
    <Layout title={`Revert ${deployment.name} in ${env}`} current="/" signedIn={props.signedIn}>
      <nav aria-label="Breadcrumb" class="breadcrumb">
        <a href="/">Overview</a> › <a href={deploymentHref(deployment.name)}>{deployment.name}</a> › <span aria-current="page">Revert {env}</span>
      </nav>
      <h1>
        Revert {deployment.name} <span class="kind">in {env}</span>
      </h1>
      {props.error ? (
        <p class="error" role="alert">
          {props.error}
        </p>
      ) : null}
      <dl class="fields revert-summary">
        <dt>Live now</dt>
        <dd data-release={current.release.id}>
          <Described side={current} now={props.now} />
        </dd>
        <dt>Comes back</dt>
        <dd data-release={restored?.release.id}>{restored ? <Described side={restored} now={props.now} /> : <span class="none">nothing: v1 is the first release</span>}</dd>
      </dl>
      {!restored ? (
        <p>There is no earlier release in {env} to revert to.</p>
      ) : !plan.mayRevert ? (
        <p>This key may not revert in {env}: that needs the promote scope there.</p>
      ) : (
        <form method="post" action={action} class="revert">
          <input type="hidden" name="csrf" value={props.signedIn.csrf} />
          <input type="hidden" name="release_id" value={restored.release.id} />
          <input type="hidden" name="live_release_id" value={current.release.id} />
          <p>
            {`Reverting makes a new release, v${current.release.version + 1}, with the content of v${restored.release.version}; ${env} serves it from the next request. History is kept: `}
            <a href={compareHref(current.release.id, restored.release.id)}>see what changes</a>.
          </p>
          <div class="form-actions">
            <button type="submit" class="danger">{`Revert ${env} to v${restored.release.version}`}</button>
            <a href={deploymentHref(deployment.name)}>Cancel</a>
          </div>
        </form>
      )}
    </Layout>
  );
}
