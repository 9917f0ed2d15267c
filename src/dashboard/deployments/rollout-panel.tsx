import type { RolloutAction } from "../../rollouts/rollout-commands";
import type { RolloutView } from "../../rollouts/views";
import { releaseHref, When } from "./release-parts";
import type { DeploymentRollouts } from "./rollouts";

export const MODE_LABELS: Record<RolloutView["mode"], string> = { canary: "Canary", ab: "A/B test", shadow: "Shadow" };

const STATUS_LABELS: Record<RolloutView["status"], string> = {
  running: "running",
  paused: "paused",
  completed: "completed",
  rolled_back: "rolled back by its guard",
  aborted: "aborted",
};

const DECISIONS: Record<NonNullable<RolloutView["last_judgement"]>["decision"], string> = {
  advance: "advance",
  hold: "hold",
  roll_back: "roll back",
  complete: "complete",
};

export const rolloutPath = (id: string, action: RolloutAction) => `/rollouts/${encodeURIComponent(id)}/${action}`;

/** "25%" or "12.5%". */
export const percentText = (value: number) => `${Math.round(value * 10) / 10}%`;
const rateText = (rate: number | null) => (rate === null ? "–" : percentText(rate * 100));

/** A release of the rollout as a link to its page: "v3", or its id when the key may not read it. */
function ReleaseLink(props: { id: string; rollouts: DeploymentRollouts }) {
  const version = props.rollouts.versions.get(props.id);
  return <a href={releaseHref(props.id)}>{version === undefined ? props.id : `v${version}`}</a>;
}

function stickyText(sticky: RolloutView["sticky_by"]): string {
  if (!sticky) return "each request's external_id (random without one)";
  if (sticky.type === "metadata") return `the metadata key “${sticky.key}” (random without one)`;
  if (sticky.type === "header") return `the ${sticky.name} header (random without one)`;
  return "each request's external_id (random without one)";
}

/** Where the rollout stands: "25% (step 2 of 4)"; an A/B test or shadow holds one share. */
function shareText(rollout: RolloutView): string {
  const share = percentText(rollout.percent);
  if (rollout.mode !== "canary") return rollout.mode === "shadow" ? `${share} of requests also run the candidate, after the answer` : `${share} of traffic`;
  return `${share} (step ${rollout.step + 1} of ${rollout.steps.length})`;
}

function Judgement(props: { rollout: RolloutView; now: Date }) {
  const judgement = props.rollout.last_judgement;
  if (!props.rollout.guard && !judgement) return <p class="hint">No guard: nothing rolls this back by itself; watch it and abort or complete it here.</p>;
  if (!judgement) return <p class="hint">The guard has not judged this step yet: it waits for {props.rollout.guard?.min_executions ?? 0} executions on each side.</p>;
  const arms = [
    ["Stable", judgement.stable],
    ["Candidate", judgement.candidate],
  ] as const;
  return (
    <div class="rollout-judgement" data-decision={judgement.decision}>
      <p>
        Guard's last judgement (<When iso={judgement.at} now={props.now} />
        ): <strong>{DECISIONS[judgement.decision]}</strong>. {judgement.reason}
        {judgement.threshold ? ` (threshold: ${judgement.threshold})` : ""}
      </p>
      <section class="table-scroll" tabindex={0} aria-label="Both sides over the judged window">
        <table class="rollout-arms">
          <caption class="hint">Both sides over the judged window</caption>
          <thead>
            <tr>
              <th scope="col">Side</th>
              <th scope="col">Executions</th>
              <th scope="col">Errors</th>
              <th scope="col">Error rate</th>
              <th scope="col">p95 latency</th>
            </tr>
          </thead>
          <tbody>
            {arms.map(([label, arm]) => (
              <tr data-arm={label.toLowerCase()}>
                <th scope="row">{label}</th>
                <td>{arm.executions}</td>
                <td>{arm.errors}</td>
                <td>{rateText(arm.error_rate)}</td>
                <td>{arm.p95_latency_ms === null ? "–" : `${Math.round(arm.p95_latency_ms)} ms`}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </div>
  );
}

function ActionButton(props: { rollout: RolloutView; action: RolloutAction; label: string; csrf: string; secondary?: boolean }) {
  return (
    <form method="post" action={rolloutPath(props.rollout.id, props.action)}>
      <input type="hidden" name="csrf" value={props.csrf} />
      <button type="submit" class={props.secondary ? "secondary" : undefined}>
        {props.label}
      </button>
    </form>
  );
}

/** What a key holding `promote` here may do: pause or resume, advance a canary, abort back to stable, complete. */
function RolloutActions(props: { rollout: RolloutView; csrf: string }) {
  const { rollout, csrf } = props;
  const moreSteps = rollout.mode === "canary" && rollout.step + 1 < rollout.steps.length;
  return (
    <div class="rollout-actions">
      {rollout.status === "running" ? (
        <ActionButton rollout={rollout} action="pause" label="Pause" csrf={csrf} secondary />
      ) : (
        <ActionButton rollout={rollout} action="resume" label="Resume" csrf={csrf} secondary />
      )}
      {moreSteps ? <ActionButton rollout={rollout} action="advance" label="Advance now" csrf={csrf} secondary /> : null}
      <ActionButton rollout={rollout} action="abort" label="Abort (back to stable)" csrf={csrf} secondary />
      <ActionButton rollout={rollout} action="complete" label="Complete" csrf={csrf} />
    </div>
  );
}

/** The running or paused rollout of one environment: where it stands, what the guard last decided, and (with `promote`) its controls. */
export function RolloutPanel(props: { rollout: RolloutView; rollouts: DeploymentRollouts; mayAct: boolean; csrf: string; now: Date }) {
  const { rollout, rollouts } = props;
  const headingId = `rollout-${rollout.environment}`;
  return (
    <section class="rollout-panel" aria-labelledby={headingId} data-rollout={rollout.id} data-status={rollout.status}>
      <h3 id={headingId}>
        {MODE_LABELS[rollout.mode]} in {rollout.environment}: {STATUS_LABELS[rollout.status]}
      </h3>
      <dl class="fields rollout-facts">
        <dt>Candidate's share</dt>
        <dd data-percent={rollout.percent}>{shareText(rollout)}</dd>
        <dt>Stable</dt>
        <dd>
          <ReleaseLink id={rollout.stable_release_id} rollouts={rollouts} /> <span class="hint">(serves the rest)</span>
        </dd>
        <dt>Candidate</dt>
        <dd>
          <ReleaseLink id={rollout.candidate_release_id} rollouts={rollouts} />
        </dd>
        <dt>Same user, same side</dt>
        <dd>by {stickyText(rollout.sticky_by)}</dd>
        <dt>Started</dt>
        <dd>
          <When iso={rollout.created_at} now={props.now} /> by {rollouts.startedBy.get(rollout.id) ?? rollout.created_by}
        </dd>
      </dl>
      <Judgement rollout={rollout} now={props.now} />
      {props.mayAct ? <RolloutActions rollout={rollout} csrf={props.csrf} /> : null}
    </section>
  );
}

/** The newest ended rollouts of one environment and how each ended. */
export function EndedRollouts(props: { environment: string; ended: RolloutView[]; rollouts: DeploymentRollouts; now: Date }) {
  if (props.ended.length === 0) return null;
  return (
    <section class="table-scroll" tabindex={0} aria-label={`Ended rollouts in ${props.environment}`}>
      <table class="ended-rollouts">
        <caption class="hint">Recent rollouts in {props.environment} that have ended, newest first</caption>
        <thead>
          <tr>
            <th scope="col">Candidate</th>
            <th scope="col">Mode</th>
            <th scope="col">Outcome</th>
            <th scope="col">Ended</th>
          </tr>
        </thead>
        <tbody>
          {props.ended.map((rollout) => (
            <tr data-rollout={rollout.id} data-status={rollout.status}>
              <th scope="row">
                <ReleaseLink id={rollout.candidate_release_id} rollouts={props.rollouts} /> <span class="meta">against</span>{" "}
                <ReleaseLink id={rollout.stable_release_id} rollouts={props.rollouts} />
              </th>
              <td>{MODE_LABELS[rollout.mode]}</td>
              <td>
                {STATUS_LABELS[rollout.status]}
                {props.rollouts.endReasons.get(rollout.id) ? <span class="meta">{props.rollouts.endReasons.get(rollout.id)}</span> : null}
              </td>
              <td>{rollout.ended_at ? <When iso={rollout.ended_at} now={props.now} /> : "–"}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
