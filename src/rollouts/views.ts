import type { RolloutRow } from "./rollout-repository";
import type { ScheduledReleaseRow } from "./scheduled-release-repository";

/** A rollout as the API shows it. */
export function rolloutView(row: RolloutRow, environmentName: string) {
  return {
    id: row.id,
    deployment_id: row.deploymentId,
    environment: environmentName,
    mode: row.mode,
    status: row.status,
    stable_release_id: row.stableReleaseId,
    candidate_release_id: row.candidateReleaseId,
    restored_release_id: row.restoredReleaseId,
    percent: row.percent,
    step: row.stepIndex,
    steps: row.steps,
    step_started_at: row.stepStartedAt,
    sticky_by: row.stickyBy,
    guard: row.guard,
    last_judgement: row.lastJudgement,
    end_reason: row.endReason,
    created_at: row.createdAt,
    created_by: row.createdBy,
    updated_at: row.updatedAt,
    ended_at: row.endedAt,
  };
}

export type RolloutView = ReturnType<typeof rolloutView>;

/** A scheduled release as the API shows it. */
export function scheduledReleaseView(row: ScheduledReleaseRow, environmentName: string) {
  return {
    id: row.id,
    deployment_id: row.deploymentId,
    environment: environmentName,
    kind: row.kind,
    release_id: row.releaseId,
    rollout: row.rolloutPlan,
    release_tags: row.releaseTags,
    description: row.description,
    scheduled_at: row.scheduledAt,
    status: row.status,
    result: row.result,
    created_at: row.createdAt,
    created_by: row.createdBy,
    updated_at: row.updatedAt,
  };
}

export type ScheduledReleaseView = ReturnType<typeof scheduledReleaseView>;
