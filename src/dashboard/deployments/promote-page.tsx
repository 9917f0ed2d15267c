import { Layout, type SignedIn } from "../layout";
import type { PromotePlan, PromotionTarget } from "./promote";
import { ReleaseFacts } from "./release-page";
import { compareHref, deploymentHref, releaseHref, When } from "./release-parts";

const percent = (rate: number) => `${Math.round(rate * 1000) / 10}%`;

function TargetPolicy(props: { target: PromotionTarget; releaseId: string; now: Date }) {
  const { target } = props;
  const name = target.environment.name;
  return (
    <ul class="policy" id={`policy-${name}`}>
      <li>
        {target.live ? (
          <>
            Replaces <a href={releaseHref(target.live.id)}>{`${name} v${target.live.version}`}</a>, live since <When iso={target.live.created_at} now={props.now} />
            {target.sameContent ? (
              ": same content, so nothing changes but the version."
            ) : (
              <>
                {": different content ("}
                <a href={compareHref(target.live.id, props.releaseId)}>see what changes</a>
                {")."}
              </>
            )}
          </>
        ) : (
          `Nothing is live in ${name} yet: this becomes its first release.`
        )}
      </li>
      <li>
        {target.requiredApprovals > 0
          ? `Needs ${target.requiredApprovals} ${target.requiredApprovals === 1 ? "approval" : "approvals"}: the promotion waits on the Approvals page until then.`
          : "No approval needed: it is released at once."}
      </li>
      {target.testGate ? (
        <li>
          Test gate: every test suite of this deployment must pass at least {percent(target.testGate.min_pass_rate)} on this release
          {target.testGate.untested === "allow" ? " (a deployment without suites passes)" : ""}.
          {target.suites.length ? (
            <ul>
              {target.suites.map((s) => (
                <li>
                  {s.name}:{" "}
                  {s.run
                    ? `latest run passed ${s.run.passed} of ${s.run.total} cases (${s.run.passRate === null ? "no pass rate" : percent(s.run.passRate)})`
                    : "no completed run on this release yet"}
                </li>
              ))}
            </ul>
          ) : null}
          {target.gateRefusal ? <span class="pending waiting">{`Would refuse now: ${target.gateRefusal}`}</span> : <span class="meta">Passes now.</span>}
        </li>
      ) : (
        <li>No test gate.</li>
      )}
      {target.freeze ? (
        <li class="pending waiting">
          Frozen until <time datetime={target.freeze.ends_at}>{target.freeze.ends_at}</time>
          {target.freeze.reason ? ` (${target.freeze.reason})` : ""}: a promotion is refused until then.
        </li>
      ) : (
        <li>No freeze window in effect.</li>
      )}
    </ul>
  );
}

/** Choose the environments to promote a release into, seeing what each would replace and the policy each applies. */
export function PromotePage(props: { plan: PromotePlan; signedIn: SignedIn; now: Date; error?: string | undefined; chosen?: string[] }) {
  const { details, targets } = props.plan;
  const { release, deployment } = details;
  const label = `${release.environment} v${release.version}`;
  return (
    <Layout title={`Promote ${deployment.name} ${label}`} current="/" signedIn={props.signedIn}>
      <nav aria-label="Breadcrumb" class="breadcrumb">
        <a href="/">Overview</a> › <a href={deploymentHref(deployment.name)}>{deployment.name}</a> › <a href={releaseHref(release.id)}>{label}</a> ›{" "}
        <span aria-current="page">Promote</span>
      </nav>
      <h1>
        Promote {deployment.name} <span class="kind">{label}</span>
      </h1>
      <p class="hint">Promoting copies this exact release into the chosen environments as their new live release; its history stays as it is.</p>
      <ReleaseFacts details={details} now={props.now} />
      {props.error ? (
        <p class="error" role="alert">
          {props.error}
        </p>
      ) : null}
      {targets.length === 0 ? (
        <p>This key may not promote into any other environment.</p>
      ) : (
        <form method="post" action={`${releaseHref(release.id)}/promote`} class="promote">
          <input type="hidden" name="csrf" value={props.signedIn.csrf} />
          <fieldset>
            <legend>Promote into</legend>
            {targets.map((target) => {
              const name = target.environment.name;
              return (
                <div class="target" data-target={name}>
                  <input type="checkbox" id={`target-${name}`} name="environments" value={name} checked={props.chosen?.includes(name)} aria-describedby={`policy-${name}`} />
                  <label for={`target-${name}`}>{name}</label>
                  <TargetPolicy target={target} releaseId={release.id} now={props.now} />
                </div>
              );
            })}
          </fieldset>
          <label for="promote-description">Description (optional)</label>
          <input type="text" id="promote-description" name="description" maxlength={1000} autocomplete="off" aria-describedby="promote-description-hint" />
          <span id="promote-description-hint" class="hint">
            Saved with the new releases; by default they keep this release's description.
          </span>
          <div class="form-actions">
            <button type="submit">Promote</button>
            <a href={deploymentHref(deployment.name)}>Cancel</a>
          </div>
        </form>
      )}
    </Layout>
  );
}
