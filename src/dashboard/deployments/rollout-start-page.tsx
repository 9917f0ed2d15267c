import { DEFAULT_GUARD } from "../../rollouts/rollouts";
import { Layout, type SignedIn } from "../layout";
import { ReleaseFacts } from "./release-page";
import { deploymentHref, releaseHref, rolloutStartHref } from "./release-parts";
import type { GuardField, RolloutFormValues, RolloutStartPlan } from "./rollout-start";

const GUARD_LABELS: Record<GuardField, { label: string; hint: string }> = {
  min_executions: { label: "Executions before judging", hint: `per side and step; default ${DEFAULT_GUARD.min_executions}` },
  max_error_rate: { label: "Highest error rate (0–1)", hint: "the candidate's own; not judged by default" },
  max_error_rate_increase: { label: "Most extra errors (0–1)", hint: `above the stable release's rate; default ${DEFAULT_GUARD.max_error_rate_increase} (5 points)` },
  max_p95_latency_ratio: { label: "p95 latency ratio", hint: `candidate ÷ stable; default ${DEFAULT_GUARD.max_p95_latency_ratio}` },
};

const MODES = [
  { value: "canary", label: "Canary", hint: "steps up through the percentages below, each held at least 5 minutes and 50 executions, rolled back by the guard" },
  { value: "ab", label: "A/B test", hint: "a fixed split at the percent below (default 50%) until you complete or abort it" },
  { value: "shadow", label: "Shadow", hint: "every user gets the stable release; the percent below (default 10%) also runs the candidate after the answer, for comparison" },
] as const;

/** Start a rollout of a release: where, how (canary, A/B, shadow), whose requests stay together, and the guard's thresholds. */
export function RolloutStartPage(props: { plan: RolloutStartPlan; values: RolloutFormValues; signedIn: SignedIn; now: Date; error?: string | undefined }) {
  const { details, targets } = props.plan;
  const { release, deployment } = details;
  const { values } = props;
  const label = `${release.environment} v${release.version}`;
  return (
    <Layout title={`Start a rollout of ${deployment.name} ${label}`} current="/" signedIn={props.signedIn}>
      <nav aria-label="Breadcrumb" class="breadcrumb">
        <a href="/">Overview</a> › <a href={deploymentHref(deployment.name)}>{deployment.name}</a> › <a href={releaseHref(release.id)}>{label}</a> ›{" "}
        <span aria-current="page">Start a rollout</span>
      </nav>
      <h1>
        Start a rollout of {deployment.name} <span class="kind">{label}</span>
      </h1>
      <p class="hint">
        A rollout sends part of an environment's traffic to this release (the candidate) while the live release (the stable one) serves the rest, and compares the two. A canary's
        guard rolls it back by itself when the candidate does worse; you can pause, advance, abort or complete it from the deployment page.
      </p>
      <ReleaseFacts details={details} now={props.now} />
      {props.error ? (
        <p class="error" role="alert">
          Not started: {props.error}
        </p>
      ) : null}
      {targets.length === 0 ? (
        <p>This key may not start a rollout of this release anywhere: that needs the promote scope in an environment where this release is not already live.</p>
      ) : (
        <form method="post" action={rolloutStartHref(release.id)} class="rollout-start">
          <input type="hidden" name="csrf" value={props.signedIn.csrf} />
          <label for="rollout-environment">Environment</label>
          <select id="rollout-environment" name="environment" aria-describedby="rollout-environment-hint">
            {targets.map((target) => (
              <option value={target.environment.name} selected={values.environment === target.environment.name}>
                {target.environment.name}
                {target.live ? ` (against v${target.live.version}, live now)` : " (nothing live yet)"}
              </option>
            ))}
          </select>
          <span id="rollout-environment-hint" class="hint">
            Its approvals, freeze windows and test gate apply as for a promotion.
          </span>
          <fieldset>
            <legend>How</legend>
            {MODES.map((mode) => (
              <div class="choice">
                <input type="radio" id={`mode-${mode.value}`} name="mode" value={mode.value} checked={values.mode === mode.value} aria-describedby={`mode-${mode.value}-hint`} />
                <label for={`mode-${mode.value}`}>{mode.label}</label>
                <span id={`mode-${mode.value}-hint`} class="hint">
                  {mode.hint}
                </span>
              </div>
            ))}
          </fieldset>
          <label for="rollout-steps">Canary steps (percent of traffic, comma-separated)</label>
          <input type="text" id="rollout-steps" name="steps" value={values.steps} autocomplete="off" inputmode="decimal" />
          <label for="rollout-percent">A/B or shadow percent</label>
          <input type="text" id="rollout-percent" name="percent" value={values.percent} autocomplete="off" inputmode="decimal" placeholder="50 for A/B, 10 for shadow" />
          <fieldset>
            <legend>Same user, same side</legend>
            <label for="rollout-sticky">Keep requests together by</label>
            <select id="rollout-sticky" name="sticky_by">
              <option value="external_id" selected={values.stickyBy === "external_id"}>
                the request's external_id
              </option>
              <option value="metadata" selected={values.stickyBy === "metadata"}>
                a metadata key
              </option>
              <option value="header" selected={values.stickyBy === "header"}>
                a request header
              </option>
            </select>
            <label for="rollout-sticky-key">Metadata key or header name</label>
            <input type="text" id="rollout-sticky-key" name="sticky_key" value={values.stickyKey} autocomplete="off" maxlength={100} aria-describedby="rollout-sticky-hint" />
            <span id="rollout-sticky-hint" class="hint">
              Requests without one are split at random.
            </span>
          </fieldset>
          <fieldset class="rollout-guard">
            <legend>Guard (canary and A/B; optional)</legend>
            <p class="hint">Leave these empty for a canary's defaults (an A/B test has no guard unless you set one). Filling any replaces the defaults with what you fill.</p>
            {Object.entries(GUARD_LABELS).map(([name, text]) => (
              <div>
                <label for={`guard-${name}`}>{text.label}</label>
                <input
                  type="text"
                  id={`guard-${name}`}
                  name={`guard_${name}`}
                  value={values.guard[name as GuardField]}
                  autocomplete="off"
                  inputmode="decimal"
                  aria-describedby={`guard-${name}-hint`}
                />
                <span id={`guard-${name}-hint`} class="hint">
                  {text.hint}
                </span>
              </div>
            ))}
          </fieldset>
          <div class="form-actions">
            <button type="submit">Start the rollout</button>
            <a href={deploymentHref(deployment.name)}>Cancel</a>
          </div>
        </form>
      )}
    </Layout>
  );
}
