import { resolveEnvironment } from "../access/permissions";
import type { Deps, Principal } from "../context";
import type { RolloutGuard, RolloutPlan, RolloutStep, StickyBy } from "../db/schema";
import { findEnvironmentById } from "../environments/repository";
import { decodeCursor, toPage } from "../lib/pagination";
import { fail, ok, type Result } from "../lib/result";
import { commandContext, coordinatorFor } from "../releases/coordinator-client";
import { findDeploymentByIdOrName } from "../releases/deployment-repository";
import { findReadableRelease } from "../releases/read-releases";
import { environmentNames, type PromotionRequestView, promotionRequestView } from "../releases/views";
import { readableEnvironmentIds } from "./readable-environments";
import { rolloutReport } from "./report";
import type { RolloutAction } from "./rollout-commands";
import { findRollout, listRollouts, type RolloutRow } from "./rollout-repository";
import { type RolloutView, rolloutView, type ScheduledReleaseView, scheduledReleaseView } from "./views";

/** A canary's default ramp: 5% → 25% → 50% → 100%, each step at least 5 minutes and 50 candidate executions. */
export const DEFAULT_STEPS: RolloutStep[] = [5, 25, 50, 100].map((percent) => ({ percent, min_duration_seconds: 300, min_executions: 50 }));
/** A canary's default guard: judged after 50 executions per arm; rolls back on 5 points more errors or 1.5× the p95 latency. */
export const DEFAULT_GUARD: RolloutGuard = { min_executions: 50, max_error_rate_increase: 0.05, max_p95_latency_ratio: 1.5 };

export interface StartRolloutInput {
  release_id: string;
  mode?: "canary" | "ab" | "shadow" | undefined;
  steps?: { percent: number; min_duration_seconds?: number | undefined; min_executions?: number | undefined }[] | undefined;
  percent?: number | undefined;
  sticky_by?: StickyBy | null | undefined;
  guard?: RolloutGuard | null | undefined;
  release_tags?: string[] | undefined;
  description?: string | undefined;
  scheduled_at?: string | undefined;
}

/** The plan a request asks for, with the defaults of its mode filled in. */
export function rolloutPlanOf(input: StartRolloutInput): RolloutPlan {
  const mode = input.mode ?? "canary";
  if (mode === "canary") {
    const steps = input.steps?.map((s) => ({ percent: s.percent, min_duration_seconds: s.min_duration_seconds ?? 300, min_executions: s.min_executions ?? 50 })) ?? DEFAULT_STEPS;
    return { mode, steps, sticky_by: input.sticky_by ?? null, guard: input.guard === undefined ? DEFAULT_GUARD : input.guard };
  }
  // A/B tests and shadow rollouts hold one share until stopped.
  const percent = input.percent ?? (mode === "ab" ? 50 : 10);
  return { mode, steps: [{ percent, min_duration_seconds: 0, min_executions: 0 }], sticky_by: input.sticky_by ?? null, guard: mode === "ab" ? (input.guard ?? null) : null };
}

export type StartRolloutResult =
  | { status: "started"; rollout: RolloutView }
  | { status: "pending_approval"; promotion_request: PromotionRequestView }
  | { status: "scheduled"; scheduled_release: ScheduledReleaseView };

/**
 * Starts a rollout of a release in one environment, against the release
 * live there. Needs `read` on the release and `promote` in the environment;
 * the environment's approvals, freeze windows and test gate apply. With
 * `scheduled_at`, it is scheduled instead, and judged when it fires.
 */
export async function startRollout(
  deps: Deps,
  principal: Principal,
  deploymentIdOrName: string,
  environmentName: string | undefined,
  input: StartRolloutInput,
): Promise<Result<StartRolloutResult>> {
  const env = await resolveEnvironment(deps, principal, environmentName, "promote");
  if (!env.ok) return env;
  const deployment = await findDeploymentByIdOrName(deps.db, principal.workspaceId, deploymentIdOrName);
  if (!deployment) return fail("NOT_FOUND", `No deployment "${deploymentIdOrName}"`);
  const candidate = await findReadableRelease(deps, principal, input.release_id);
  if (!candidate.ok || candidate.value.deploymentId !== deployment.id) {
    return fail("NOT_FOUND", `No release "${input.release_id}" of "${deployment.name}"`, [{ path: "body.release_id", message: "Unknown release" }]);
  }
  const coordinator = coordinatorFor(deps, principal.workspaceId, deployment.id);
  const context = commandContext(deps, principal, deployment.id);
  const environment = { id: env.value.id, name: env.value.name };
  const plan = rolloutPlanOf(input);
  if (input.scheduled_at) {
    const scheduled = await coordinator.schedule({
      context,
      environment,
      kind: "rollout",
      releaseId: candidate.value.id,
      scheduledAt: input.scheduled_at,
      rolloutPlan: plan,
      releaseTags: input.release_tags ?? [],
      description: input.description ?? "",
    });
    if (!scheduled.ok) return scheduled;
    return ok({ status: "scheduled", scheduled_release: scheduledReleaseView(scheduled.value.scheduledReleases![0]!, env.value.name) });
  }
  const outcome = await coordinator.startRollout({
    context,
    environment,
    releaseId: candidate.value.id,
    plan,
    releaseTags: input.release_tags ?? [],
    description: input.description ?? "",
  });
  if (!outcome.ok) return outcome;
  const request = outcome.value.promotionRequests[0];
  if (request) return ok({ status: "pending_approval", promotion_request: promotionRequestView(request, env.value.name) });
  return ok({ status: "started", rollout: rolloutView(outcome.value.rollouts![0]!, env.value.name) });
}

/** A rollout the key may see (`read` in its environment), or NOT_FOUND. */
export async function findReadableRollout(deps: Pick<Deps, "db">, principal: Principal, id: string): Promise<Result<{ row: RolloutRow; environmentName: string }>> {
  const row = await findRollout(deps.db, principal.workspaceId, id);
  const readable = row && (await resolveEnvironmentById(deps, principal, row.environmentId, "read"));
  if (!row || !readable?.ok) return fail("NOT_FOUND", `No rollout "${id}"`);
  return ok({ row, environmentName: readable.value.name });
}

async function resolveEnvironmentById(deps: Pick<Deps, "db">, principal: Principal, environmentId: string, scope: "read" | "promote") {
  const env = await findEnvironmentById(deps.db, principal.workspaceId, environmentId);
  if (!env) return fail("NOT_FOUND", "Not found");
  return resolveEnvironment(deps, principal, env.name, scope);
}

/** Pause, resume, advance, abort or complete a rollout: needs `promote` in its environment. */
export async function actOnRollout(deps: Deps, principal: Principal, id: string, action: RolloutAction): Promise<Result<RolloutView>> {
  const found = await findReadableRollout(deps, principal, id);
  if (!found.ok) return found;
  const { row, environmentName } = found.value;
  const env = await resolveEnvironmentById(deps, principal, row.environmentId, "promote");
  if (!env.ok) return env;
  const outcome = await coordinatorFor(deps, principal.workspaceId, row.deploymentId).actOnRollout({
    context: commandContext(deps, principal, row.deploymentId),
    rolloutId: row.id,
    environment: { id: env.value.id, name: env.value.name },
    action,
  });
  if (!outcome.ok) return outcome;
  return ok(rolloutView(outcome.value.rollouts![0]!, environmentName));
}

/** A deployment's rollouts in the environments the key may read (or the one it names), newest first, a page at a time. */
export async function listDeploymentRollouts(
  deps: Deps,
  principal: Principal,
  deploymentIdOrName: string,
  query: { environment?: string | undefined; cursor?: string | undefined; limit: number },
) {
  const environmentName = query.environment;
  const deployment = await findDeploymentByIdOrName(deps.db, principal.workspaceId, deploymentIdOrName);
  if (!deployment) return fail("NOT_FOUND", `No deployment "${deploymentIdOrName}"`);
  const readable = await readableEnvironmentIds(deps, principal, environmentName);
  if (!readable.ok) return readable;
  const environmentIds = readable.value;
  const list = { name: "rollouts", filters: { deployment: deployment.id, environment: environmentName } };
  const before = decodeCursor<string>(query.cursor, "string", list);
  if (!before.ok) return before;
  const [rows, names] = await Promise.all([
    listRollouts(deps.db, { workspaceId: principal.workspaceId, deploymentId: deployment.id, environmentIds, beforeId: before.value, limit: query.limit + 1 }),
    environmentNames(deps.db, principal.workspaceId),
  ]);
  return ok(
    toPage(
      rows,
      query.limit,
      (r) => r.id,
      (r) => rolloutView(r, names.get(r.environmentId) ?? ""),
      list,
    ),
  );
}

/** A rollout and its report (see report.ts): needs `read` in its environment. */
export async function getRolloutWithReport(deps: Deps, principal: Principal, id: string) {
  const found = await findReadableRollout(deps, principal, id);
  if (!found.ok) return found;
  const report = await rolloutReport(deps.db, principal.workspaceId, found.value.row);
  return ok({ ...rolloutView(found.value.row, found.value.environmentName), report: report as unknown as Record<string, unknown> });
}
