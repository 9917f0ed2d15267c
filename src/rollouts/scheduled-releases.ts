import type { RolloutPlan } from "../db/schema";
import { findEnvironmentById } from "../environments/repository";
import { fail, ok, type Result } from "../lib/result";
import { findDeployment } from "../releases/deployment-repository";
import { type CommandContext, type CommandDeps, type EnvironmentTarget, type Plan, planPromote } from "../releases/release-commands";
import { findRelease } from "../releases/release-repository";
import { planStartRollout } from "./rollout-commands";
import { closeScheduledRelease, findScheduledRelease, insertScheduledRelease, type ScheduledReleaseRow } from "./scheduled-release-repository";

export interface ScheduleCommand {
  context: CommandContext;
  environment: EnvironmentTarget;
  kind: "promotion" | "rollout";
  releaseId: string;
  /** ISO instant, in the future. */
  scheduledAt: string;
  rolloutPlan: RolloutPlan | null;
  releaseTags: string[];
  description: string;
}

export interface CancelScheduleCommand {
  context: CommandContext;
  scheduledReleaseId: string;
}

export interface FireScheduleCommand {
  context: CommandContext;
  scheduledReleaseId: string;
}

function actorId(ctx: CommandContext) {
  return ctx.actor.type === "api_key" ? ctx.actor.id : ctx.actor.type;
}

/** How an audit event records a scheduled release. */
function summary(row: ScheduledReleaseRow) {
  return { id: row.id, kind: row.kind, release_id: row.releaseId, environment_id: row.environmentId, scheduled_at: row.scheduledAt, status: row.status, result: row.result };
}

/** Records a promotion or rollout start to happen at `scheduledAt`; nothing about the policy is judged yet. */
export async function planSchedule(deps: CommandDeps, cmd: ScheduleCommand): Promise<Result<Plan>> {
  const ctx = cmd.context;
  const [deployment, release] = await Promise.all([findDeployment(deps.db, ctx.workspaceId, ctx.deploymentId), findRelease(deps.db, ctx.workspaceId, cmd.releaseId)]);
  if (!deployment || !release || release.deploymentId !== deployment.id) return fail("NOT_FOUND", `No release "${cmd.releaseId}" of this deployment`);
  if (Date.parse(cmd.scheduledAt) <= deps.now().getTime()) {
    return fail("VALIDATION_FAILED", "scheduled_at must be in the future", [{ path: "body.scheduled_at", message: `Must be after ${deps.now().toISOString()}` }]);
  }
  const now = deps.now().toISOString();
  const row: ScheduledReleaseRow = {
    id: deps.newId("scheduledRelease"),
    workspaceId: ctx.workspaceId,
    deploymentId: deployment.id,
    environmentId: cmd.environment.id,
    kind: cmd.kind,
    releaseId: release.id,
    rolloutPlan: cmd.rolloutPlan,
    releaseTags: [...new Set(cmd.releaseTags)],
    description: cmd.description,
    scheduledAt: new Date(cmd.scheduledAt).toISOString(),
    status: "scheduled",
    result: null,
    createdAt: now,
    createdBy: actorId(ctx),
    updatedAt: now,
  };
  return ok({
    writes: [insertScheduledRelease(deps.db, row)],
    environmentIds: [],
    outcome: { deployment, releases: [], tags: [], promotionRequests: [], scheduledReleases: [row] },
    audit: { action: "scheduled_release.created", targetType: "scheduled_release", targetId: row.id, environmentId: row.environmentId, before: null, after: summary(row) },
  });
}

export async function planCancelSchedule(deps: CommandDeps, cmd: CancelScheduleCommand): Promise<Result<Plan>> {
  const ctx = cmd.context;
  const [row, deployment] = await Promise.all([findScheduledRelease(deps.db, ctx.workspaceId, cmd.scheduledReleaseId), findDeployment(deps.db, ctx.workspaceId, ctx.deploymentId)]);
  if (!row || !deployment || row.deploymentId !== deployment.id) return fail("NOT_FOUND", `No scheduled release "${cmd.scheduledReleaseId}"`);
  if (row.status !== "scheduled") return fail("SCHEDULED_RELEASE_CLOSED", `The scheduled release is ${row.status}`);
  const after: ScheduledReleaseRow = { ...row, status: "cancelled", updatedAt: deps.now().toISOString(), result: { cancelled_by: actorId(ctx) } };
  return ok({
    writes: [closeScheduledRelease(deps.db, after)],
    environmentIds: [],
    outcome: { deployment, releases: [], tags: [], promotionRequests: [], scheduledReleases: [after] },
    audit: {
      action: "scheduled_release.cancelled",
      targetType: "scheduled_release",
      targetId: row.id,
      environmentId: row.environmentId,
      before: summary(row),
      after: summary(after),
    },
  });
}

/**
 * Fires a scheduled release whose time has come, judging the environment's
 * policy now: the promotion or rollout start runs as if its requester sent
 * it at this moment (approvals, freeze, test gate and a running rollout all
 * apply). Either way the schedule closes in the same batch: `executed` with
 * what it made, or `refused` with why.
 */
export async function planFireSchedule(deps: CommandDeps, cmd: FireScheduleCommand): Promise<Result<Plan>> {
  const ctx = cmd.context;
  const [row, deployment] = await Promise.all([findScheduledRelease(deps.db, ctx.workspaceId, cmd.scheduledReleaseId), findDeployment(deps.db, ctx.workspaceId, ctx.deploymentId)]);
  if (!row || !deployment || row.deploymentId !== deployment.id) return fail("NOT_FOUND", `No scheduled release "${cmd.scheduledReleaseId}"`);
  if (row.status !== "scheduled") return fail("SCHEDULED_RELEASE_CLOSED", `The scheduled release is ${row.status}`);
  if (Date.parse(row.scheduledAt) > deps.now().getTime()) return fail("SCHEDULED_RELEASE_CLOSED", "The scheduled release is not due yet");
  // The change is the requester's, made now.
  const requester: CommandContext = { ...ctx, actor: row.createdBy.startsWith("key_") ? { type: "api_key", id: row.createdBy } : ctx.actor };
  const environment = { id: row.environmentId, name: (await findEnvironmentName(deps, row)) ?? row.environmentId };
  const inner =
    row.kind === "promotion"
      ? await planPromote(deps, { context: requester, releaseId: row.releaseId, targets: [environment], releaseTags: row.releaseTags, description: row.description })
      : await planStartRollout(deps, {
          context: requester,
          environment,
          releaseId: row.releaseId,
          plan: row.rolloutPlan!,
          releaseTags: row.releaseTags,
          description: row.description,
        });
  const now = deps.now().toISOString();
  if (!inner.ok) {
    const refused: ScheduledReleaseRow = { ...row, status: "refused", updatedAt: now, result: { code: inner.error.code, detail: inner.error.detail } };
    return ok({
      writes: [closeScheduledRelease(deps.db, refused)],
      environmentIds: [],
      outcome: { deployment, releases: [], tags: [], promotionRequests: [], scheduledReleases: [refused] },
      audit: {
        action: "scheduled_release.fired",
        targetType: "scheduled_release",
        targetId: row.id,
        environmentId: row.environmentId,
        before: summary(row),
        after: summary(refused),
      },
    });
  }
  const made = inner.value.outcome;
  const executed: ScheduledReleaseRow = {
    ...row,
    status: "executed",
    updatedAt: now,
    result: {
      release_ids: made.releases.map((r) => r.id),
      promotion_request_ids: made.promotionRequests.map((p) => p.id),
      rollout_ids: (made.rollouts ?? []).map((r) => r.id),
    },
  };
  // One change, one audit event: the promotion's or rollout's own, saying which schedule fired it.
  return ok({
    ...inner.value,
    writes: [closeScheduledRelease(deps.db, executed), ...inner.value.writes],
    outcome: { ...made, scheduledReleases: [executed] },
    audit: { ...inner.value.audit, after: { ...(inner.value.audit.after as Record<string, unknown>), scheduled_release: summary(executed) } },
  });
}

async function findEnvironmentName(deps: CommandDeps, row: ScheduledReleaseRow) {
  return (await findEnvironmentById(deps.db, row.workspaceId, row.environmentId))?.name;
}
