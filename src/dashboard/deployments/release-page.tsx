import { hasScope } from "../../access/permissions";
import { LATEST } from "../../releases/release-repository";
import { Layout, type SignedIn } from "../layout";
import type { ReleaseDetails } from "./release";
import { compareHref, deploymentHref, releaseHref, rolloutStartHref, SourceText, Tags, When } from "./release-parts";
import { mayRollOutInto } from "./rollout-start";
import { SpecView } from "./spec-view";

/** The facts of a release, shared by the release, compare, promote and revert pages. */
export function ReleaseFacts(props: { details: Pick<ReleaseDetails, "release" | "source" | "author">; now: Date }) {
  const { release } = props.details;
  return (
    <dl class="fields release-facts">
      <dt>Environment</dt>
      <dd>{release.environment}</dd>
      <dt>Version</dt>
      <dd>
        v{release.version}
        {release.tags.includes(LATEST) ? <span class="live-badge">live</span> : null}
      </dd>
      <dt>Source</dt>
      <dd>
        <SourceText source={props.details.source} />
      </dd>
      <dt>Tags</dt>
      <dd>
        <Tags release={release} />
      </dd>
      <dt>Created</dt>
      <dd>
        <When iso={release.created_at} now={props.now} /> by {props.details.author}
      </dd>
      <dt>Content hash</dt>
      <dd>
        <code class="hash">{release.content_hash}</code>
      </dd>
      {release.description ? (
        <>
          <dt>Description</dt>
          <dd>{release.description}</dd>
        </>
      ) : null}
    </dl>
  );
}

export function ReleasePage(props: { details: ReleaseDetails; signedIn: SignedIn; now: Date }) {
  const { release, deployment, othersLive } = props.details;
  const principal = props.signedIn.principal;
  const mayPromote = props.details.environments.some((e) => e.name !== release.environment && hasScope(principal, "promote", e.id));
  const mayRollOut = props.details.environments.some((e) => mayRollOutInto(principal, release, e));
  const title = `${deployment.name} ${release.environment} v${release.version}`;
  return (
    <Layout title={title} current="/" signedIn={props.signedIn}>
      <nav aria-label="Breadcrumb" class="breadcrumb">
        <a href="/">Overview</a> › <a href={deploymentHref(deployment.name)}>{deployment.name}</a> › <span aria-current="page">{`${release.environment} v${release.version}`}</span>
      </nav>
      <h1>
        {deployment.name} <span class="kind">{`${release.environment} v${release.version}`}</span>
      </h1>
      <ReleaseFacts details={props.details} now={props.now} />
      <ul class="actions">
        <li>
          <a href={deploymentHref(deployment.name)}>All releases of {deployment.name}</a>
        </li>
        {othersLive.map((o) => (
          <li>
            <a href={compareHref(o.release.id, release.id)}>
              Compare with {o.environment.name} live (v{o.release.version}){o.release.content_hash === release.content_hash ? ", same content" : ""}
            </a>
          </li>
        ))}
        {mayPromote ? (
          <li>
            <a class="button-link" href={`${releaseHref(release.id)}/promote`}>
              Promote…
            </a>
          </li>
        ) : null}
        {mayRollOut ? (
          <li>
            <a class="button-link secondary" href={rolloutStartHref(release.id)}>
              Start a rollout…
            </a>
          </li>
        ) : null}
      </ul>
      <SpecView spec={props.details.spec} />
    </Layout>
  );
}
