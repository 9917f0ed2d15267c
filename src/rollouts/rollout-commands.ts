import type { AuditAction } from "../audit/audit-log";
import type { RolloutPlan } from "../db/schema";
import { base62, randomBytes } from "../lib/crypto";
import { fail, ok, type Result } from "../lib/result";
import { findDeployment } from "../releases/deployment-repository";
import { freezeRefusal, testGateRefusal } from "../releases/promotion-policy";
import { findOpenPromotionRequest, insertPromotionRequest } from "../releases/promotion-request-repository";
import {
  type CommandContext,
  type CommandDeps,
  currentPolicy,
  type EnvironmentTarget,
  newRelease,
  type Plan,
  pendingPromotionRequest,
  planRevert,
  type RevertCommand,
  refused,
} from "../releases/release-commands";
import { findLatestRelease, findRelease, type ReleaseRow } from "../releases/release-repository";
import { judgeStep } from "./guard";
import { refuseDuringRollout } from "./rollout-lock";
import { armFigures, armLatencyQuantile, armSums, evaluatorSamples, findActiveRollout, findRollout, insertRollout, type RolloutRow, updateRollout } from "./rollout-repository";

export interface StartRolloutCommand {
  context: CommandContext;
  environment: EnvironmentTarget;
  /** The candidate: a release of the deployment in another environment (promoted), or an earlier one of this environment. */
  releaseId: string;
  plan: RolloutPlan;
  releaseTags: string[];
  description: string;
}

/** How an audit event records a rollout. */
export function rolloutSummary(r: RolloutRow) {
  return {
    id: r.id,
    status: r.status,
    mode: r.mode,
    step: r.stepIndex,
    percent: r.percent,
    stable_release_id: r.stableReleaseId,
    candidate_release_id: r.candidateReleaseId,
    restored_release_id: r.restoredReleaseId,
    end_reason: r.endReason,
  };
}

function actorId(ctx: CommandContext) {
  return ctx.actor.type === "api_key" ? ctx.actor.id : ctx.actor.type;
}

/**
 * The writes that start a rollout once it may start: the candidate as a new
 * release of the environment (LATEST names it in D1, the newest release),
 * and the rollout, whose split the KV pointer carries. Also used when an
 * approved promotion request for a rollout lands.
 */
export async function rolloutStart(deps: CommandDeps, cmd: StartRolloutCommand, origin: ReleaseRow): Promise<Result<Plan>> {
  const ctx = cmd.context;
  const env = cmd.environment;
  const deployment = await findDeployment(deps.db, ctx.workspaceId, ctx.deploymentId);
  if (!deployment) return fail("NOT_FOUND", "No such deployment");
  const busy = await refuseDuringRollout(deps.db, ctx.workspaceId, ctx.deploymentId, env);
  if (!busy.ok) return busy;
  const stable = await findLatestRelease(deps.db, ctx.workspaceId, ctx.deploymentId, env.id);
  if (!stable) return fail("NO_STABLE_RELEASE", `Nothing is live in ${env.name} yet to measure a candidate against: deploy or promote a first release`);
  if (origin.contentHash === stable.contentHash) return fail("RELEASE_ALREADY_LIVE", `${env.name} already serves this content (release ${stable.id})`);
  const sameEnvironment = origin.environmentId === env.id;
  const made = await newRelease(
    deps,
    ctx,
    env,
    { spec: origin.spec, contentHash: origin.contentHash },
    { sourceType: sameEnvironment ? "revert" : "promotion", sourceSandboxRevision: origin.sourceSandboxRevision, sourceReleaseId: origin.id },
    cmd.releaseTags,
    cmd.description || origin.description,
  );
  if (!made.ok) return made;
  const now = deps.now().toISOString();
  const rollout: RolloutRow = {
    id: deps.newId("rollout"),
    workspaceId: ctx.workspaceId,
    deploymentId: ctx.deploymentId,
    environmentId: env.id,
    mode: cmd.plan.mode,
    status: "running",
    stableReleaseId: stable.id,
    candidateReleaseId: made.value.release.id,
    restoredReleaseId: null,
    steps: cmd.plan.steps,
    stepIndex: 0,
    stepStartedAt: now,
    percent: cmd.plan.steps[0]!.percent,
    salt: base62(randomBytes(12), 16),
    stickyBy: cmd.plan.sticky_by,
    guard: cmd.plan.guard,
    lastJudgement: null,
    endReason: null,
    createdAt: now,
    createdBy: actorId(ctx),
    updatedAt: now,
    endedAt: null,
  };
  return ok({
    writes: [...made.value.writes, insertRollout(deps.db, rollout)],
    environmentIds: [env.id],
    outcome: { deployment, releases: [made.value.release], tags: made.value.tags, promotionRequests: [], rollouts: [rollout] },
    audit: {
      action: "rollout.started",
      targetType: "rollout",
      targetId: rollout.id,
      environmentId: env.id,
      before: { live_release_id: stable.id, version: stable.version },
      after: { ...rolloutSummary(rollout), candidate_version: made.value.release.version, steps: rollout.steps, guard: rollout.guard, sticky_by: rollout.stickyBy },
    },
  });
}

/**
 * Starts a rollout where the environment's policy lets it now: no freeze,
 * the test gate passed by the candidate. (Approvals are asked for before the
 * command is sent: a rollout into an environment that needs them waits as a
 * promotion request, and starts when the last approval lands.)
 */
export async function planStartRollout(deps: CommandDeps, cmd: StartRolloutCommand): Promise<Result<Plan>> {
  const ctx = cmd.context;
  const origin = await findRelease(deps.db, ctx.workspaceId, cmd.releaseId);
  if (!origin || origin.deploymentId !== ctx.deploymentId)
    return fail("NOT_FOUND", `No release "${cmd.releaseId}" of this deployment`, [{ path: "body.release_id", message: "Unknown release" }]);
  const policy = await currentPolicy(deps, ctx.workspaceId, cmd.environment);
  if (!policy.ok) return policy;
  const frozen = freezeRefusal(policy.value, deps.now());
  if (frozen) return refused(frozen);
  if (policy.value.requiredApprovals > 0) return requestApprovals(deps, cmd, origin, policy.value.requiredApprovals);
  const gate = await testGateRefusal(deps.db, policy.value, origin.id);
  if (gate) return refused(gate);
  return rolloutStart(deps, cmd, origin);
}

/** The environment needs approvals: the rollout waits as a promotion request, and starts when the last approval lands (the test gate is judged then). */
async function requestApprovals(deps: CommandDeps, cmd: StartRolloutCommand, origin: ReleaseRow, requiredApprovals: number): Promise<Result<Plan>> {
  const ctx = cmd.context;
  const deployment = await findDeployment(deps.db, ctx.workspaceId, ctx.deploymentId);
  if (!deployment) return fail("NOT_FOUND", "No such deployment");
  const open = await findOpenPromotionRequest(deps.db, ctx.workspaceId, origin.id, cmd.environment.id, deps.now().toISOString());
  if (open) return fail("PROMOTION_ALREADY_REQUESTED", `Promotion request ${open.id} already asks to bring ${origin.id} into ${cmd.environment.name} (${open.status})`);
  const request = pendingPromotionRequest(deps, ctx, origin.id, cmd.environment, requiredApprovals, cmd.releaseTags, cmd.description, cmd.plan);
  return ok({
    writes: [insertPromotionRequest(deps.db, request)],
    environmentIds: [],
    outcome: { deployment, releases: [], tags: [], promotionRequests: [request] },
    audit: {
      action: "release.promoted",
      targetType: "release",
      targetId: origin.id,
      environmentId: cmd.environment.id,
      before: { release_id: origin.id, environment_id: origin.environmentId, version: origin.version },
      after: { releases: [], promotion_requests: [{ id: request.id, environment_id: cmd.environment.id, required_approvals: requiredApprovals, rollout: cmd.plan }] },
    },
  });
}

export type RolloutAction = "pause" | "resume" | "advance" | "abort" | "complete";

export interface RolloutActionCommand {
  context: CommandContext;
  rolloutId: string;
  environment: EnvironmentTarget;
  action: RolloutAction;
}

const ACTION_AUDIT: Record<RolloutAction, AuditAction> = {
  pause: "rollout.paused",
  resume: "rollout.resumed",
  advance: "rollout.advanced",
  abort: "rollout.aborted",
  complete: "rollout.completed",
};

/** Pause, resume, advance now, abort (back to stable at once) or complete (the candidate takes all traffic), by a caller. */
export async function planRolloutAction(deps: CommandDeps, cmd: RolloutActionCommand): Promise<Result<Plan>> {
  const ctx = cmd.context;
  const rollout = await findRollout(deps.db, ctx.workspaceId, cmd.rolloutId);
  if (!rollout || rollout.deploymentId !== ctx.deploymentId || rollout.environmentId !== cmd.environment.id) return fail("NOT_FOUND", `No rollout "${cmd.rolloutId}"`);
  if (rollout.status !== "running" && rollout.status !== "paused") return fail("ROLLOUT_ENDED", `The rollout is ${rollout.status.replace("_", " ")}`);
  const who = `by ${actorId(ctx)}`;
  switch (cmd.action) {
    case "pause":
      if (rollout.status === "paused") return fail("ROLLOUT_PAUSED", "The rollout is already paused");
      return transition(deps, rollout, { status: "paused" }, "rollout.paused", []);
    case "resume":
      if (rollout.status === "running") return fail("ROLLOUT_RUNNING", "The rollout is not paused");
      // The step starts over: its duration and executions count from now.
      return transition(deps, rollout, { status: "running", stepStartedAt: deps.now().toISOString() }, "rollout.resumed", [cmd.environment.id]);
    case "advance":
      return advance(deps, rollout, `Advanced ${who}`, null);
    case "complete":
      return complete(deps, rollout, `Completed ${who}`, null, ACTION_AUDIT.complete);
    case "abort":
      return restoreStable(deps, ctx, cmd.environment, rollout, "aborted", `Aborted ${who}`, null);
  }
}

/** A rollout's new state, with its audit event; `environmentIds` are those whose KV pointer changes. */
async function transition(deps: CommandDeps, before: RolloutRow, changes: Partial<RolloutRow>, action: AuditAction, environmentIds: string[]): Promise<Result<Plan>> {
  const deployment = await findDeployment(deps.db, before.workspaceId, before.deploymentId);
  if (!deployment) return fail("NOT_FOUND", "No such deployment");
  const after: RolloutRow = { ...before, ...changes, updatedAt: deps.now().toISOString() };
  return ok({
    writes: [updateRollout(deps.db, after, before.status)],
    environmentIds,
    outcome: { deployment, releases: [], tags: [], promotionRequests: [], rollouts: [after] },
    audit: { action, targetType: "rollout", targetId: after.id, environmentId: after.environmentId, before: rolloutSummary(before), after: rolloutSummary(after) },
  });
}

/** The next step, or completion after the last one. */
function advance(deps: CommandDeps, rollout: RolloutRow, reason: string, judgement: RolloutRow["lastJudgement"]): Promise<Result<Plan>> {
  const next = rollout.steps[rollout.stepIndex + 1];
  if (!next || rollout.mode !== "canary") return complete(deps, rollout, reason, judgement, "rollout.completed");
  return transition(
    deps,
    rollout,
    { stepIndex: rollout.stepIndex + 1, percent: next.percent, stepStartedAt: deps.now().toISOString(), lastJudgement: judgement },
    "rollout.advanced",
    [rollout.environmentId],
  );
}

/** The candidate takes all traffic: LATEST already names it, so the pointer only loses its split. */
function complete(deps: CommandDeps, rollout: RolloutRow, reason: string, judgement: RolloutRow["lastJudgement"], action: AuditAction): Promise<Result<Plan>> {
  const now = deps.now().toISOString();
  return transition(deps, rollout, { status: "completed", percent: 100, endReason: reason, endedAt: now, lastJudgement: judgement ?? rollout.lastJudgement }, action, [
    rollout.environmentId,
  ]);
}

/**
 * Back to the stable release at once: a new release (source `revert`) with
 * the stable content, which LATEST names, in the same batch as the
 * rollout's end. `restoreId` names another release to restore instead (a
 * revert that aborts the rollout).
 */
export async function restoreStable(
  deps: CommandDeps,
  ctx: CommandContext,
  env: EnvironmentTarget,
  rollout: RolloutRow,
  status: "aborted" | "rolled_back",
  reason: string,
  judgement: RolloutRow["lastJudgement"],
  restoreId: string = rollout.stableReleaseId,
): Promise<Result<Plan>> {
  const [deployment, target] = await Promise.all([findDeployment(deps.db, ctx.workspaceId, ctx.deploymentId), findRelease(deps.db, ctx.workspaceId, restoreId)]);
  if (!deployment || !target) return fail("NOT_FOUND", `No release "${restoreId}" to restore`);
  const made = await newRelease(
    deps,
    ctx,
    env,
    { spec: target.spec, contentHash: target.contentHash },
    { sourceType: "revert", sourceSandboxRevision: target.sourceSandboxRevision, sourceReleaseId: target.id },
    [],
    `${status === "rolled_back" ? "Rolled back" : "Aborted"} rollout ${rollout.id}: back to version ${target.version}`,
  );
  if (!made.ok) return made;
  const now = deps.now().toISOString();
  const after: RolloutRow = {
    ...rollout,
    status,
    percent: 0,
    restoredReleaseId: made.value.release.id,
    endReason: reason,
    endedAt: now,
    updatedAt: now,
    lastJudgement: judgement ?? rollout.lastJudgement,
  };
  return ok({
    writes: [updateRollout(deps.db, after, rollout.status), ...made.value.writes],
    environmentIds: [env.id],
    outcome: { deployment, releases: [made.value.release], tags: made.value.tags, promotionRequests: [], rollouts: [after] },
    audit: {
      action: status === "rolled_back" ? "rollout.rolled_back" : "rollout.aborted",
      targetType: "rollout",
      targetId: rollout.id,
      environmentId: env.id,
      before: rolloutSummary(rollout),
      after: { ...rolloutSummary(after), restored_version: made.value.release.version, judgement: after.lastJudgement },
    },
  });
}

export interface JudgeRolloutCommand {
  context: CommandContext;
  rolloutId: string;
  environment: EnvironmentTarget;
}

/**
 * The guard's turn, from the coordinator's alarm: judges the running step
 * from both arms' executions in it, and rolls back, advances or holds. A
 * hold is recorded (and announced) when its reason changes, not at every
 * turn; with nothing new, the result is a refusal that writes nothing.
 */
export async function planJudgeRollout(deps: CommandDeps, cmd: JudgeRolloutCommand): Promise<Result<Plan>> {
  const ctx = cmd.context;
  const rollout = await findRollout(deps.db, ctx.workspaceId, cmd.rolloutId);
  if (rollout?.status !== "running") return fail("ROLLOUT_ENDED", "Nothing to judge");
  const step = rollout.steps[rollout.stepIndex]!;
  const sums = await armSums(deps.db, ctx.workspaceId, rollout.id, rollout.stepIndex);
  // Quality counts actuals (the step's executions' scores) and evaluator scores (test-suite runs on either release since the step began).
  const stepStart = Date.parse(rollout.stepStartedAt);
  const [candidateP95, stableP95, candidateEvaluated, stableEvaluated] = await Promise.all([
    armLatencyQuantile(deps.db, ctx.workspaceId, rollout.id, rollout.stepIndex, "candidate", sums.candidate.executions, 0.95),
    armLatencyQuantile(deps.db, ctx.workspaceId, rollout.id, rollout.stepIndex, "stable", sums.stable.executions, 0.95),
    evaluatorSamples(deps.db, ctx.workspaceId, rollout.environmentId, rollout.candidateReleaseId, stepStart),
    evaluatorSamples(deps.db, ctx.workspaceId, rollout.environmentId, rollout.stableReleaseId, stepStart),
  ]);
  const candidate = armFigures(sums.candidate, candidateP95, candidateEvaluated);
  const stable = armFigures(sums.stable, stableP95, stableEvaluated);
  const now = deps.now();
  const elapsed = now.getTime() - Date.parse(rollout.stepStartedAt);
  // Shadow rollouts never serve the candidate, so there is nothing user-facing to guard; A/B tests hold their split until stopped.
  const guard = rollout.mode === "shadow" ? null : rollout.guard;
  let verdict = judgeStep(step, guard, candidate, stable, elapsed);
  if (verdict.decision === "pass" && rollout.mode !== "canary") verdict = { decision: "hold", reason: "An A/B test or shadow rollout runs until it is completed or aborted" };
  if (verdict.decision === "pass") {
    const policy = await currentPolicy(deps, ctx.workspaceId, cmd.environment);
    if (!policy.ok) return policy;
    const frozen = freezeRefusal(policy.value, now);
    if (frozen) verdict = { decision: "hold", reason: `${frozen.reason}: the rollout advances after the freeze` };
  }
  const decision = verdict.decision === "pass" ? (rollout.steps[rollout.stepIndex + 1] ? "advance" : "complete") : verdict.decision;
  const judgement = {
    at: now.toISOString(),
    step: rollout.stepIndex,
    decision,
    reason: verdict.reason,
    threshold: verdict.decision === "roll_back" ? verdict.threshold : null,
    window: { from: rollout.stepStartedAt, to: now.toISOString() },
    candidate,
    stable,
  } satisfies NonNullable<RolloutRow["lastJudgement"]>;
  if (verdict.decision === "roll_back") return restoreStable(deps, ctx, cmd.environment, rollout, "rolled_back", verdict.reason, judgement);
  if (verdict.decision === "pass") return advance(deps, rollout, "Every step passed its guard", judgement);
  const last = rollout.lastJudgement;
  if (last && last.decision === "hold" && last.step === rollout.stepIndex && holdKind(last.reason) === holdKind(verdict.reason)) return fail("ROLLOUT_UNCHANGED", verdict.reason);
  return transition(deps, rollout, { lastJudgement: judgement }, "rollout.held", []);
}

/** A hold's reason without its changing figures, so a hold is recorded once per cause and step. */
function holdKind(reason: string) {
  return reason.replace(/[\d.]+/g, "#");
}

/**
 * A revert into an environment where a rollout runs: refused, unless the
 * caller asks to abort the rollout, which then restores the release the
 * revert names (by default the stable one) in the same change.
 */
export async function planRevertOrAbort(deps: CommandDeps, cmd: RevertCommand): Promise<Result<Plan>> {
  const ctx = cmd.context;
  const active = await findActiveRollout(deps.db, ctx.workspaceId, ctx.deploymentId, cmd.environment.id);
  if (!active || !cmd.abortRollout) return planRevert(deps, cmd);
  if (cmd.releaseId) {
    const target = await findRelease(deps.db, ctx.workspaceId, cmd.releaseId);
    if (!target || target.deploymentId !== ctx.deploymentId || target.environmentId !== cmd.environment.id) {
      return fail("NOT_FOUND", `No release "${cmd.releaseId}" of this deployment in ${cmd.environment.name}`, [{ path: "body.release_id", message: "Unknown release" }]);
    }
  }
  const who = ctx.actor.type === "api_key" ? ctx.actor.id : ctx.actor.type;
  return restoreStable(deps, ctx, cmd.environment, active, "aborted", `Aborted by a revert, by ${who}`, null, cmd.releaseId ?? active.stableReleaseId);
}
