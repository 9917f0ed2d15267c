import type { Deps, Principal } from "../context";
import { fail, ok, type Result } from "../lib/result";
import { type ScheduledReleaseView, scheduledReleaseView } from "../rollouts/views";
import { commandContext, coordinatorFor } from "./coordinator-client";
import { findReadableRelease } from "./read-releases";
import { resolveTargets } from "./resolve-targets";
import { requestedTagsRefusal } from "./tag-rules";
import { environmentNames, type PromotionRequestView, promotionRequestView, type ReleaseView, releaseViews } from "./views";

export type PromotionResult =
  | { environment: string; status: "released"; release: ReleaseView }
  | { environment: string; status: "pending_approval"; promotion_request: PromotionRequestView }
  | { environment: string; status: "scheduled"; scheduled_release: ScheduledReleaseView };

export interface PromoteInput {
  environments: string[];
  release_tags?: string[] | undefined;
  description?: string | undefined;
  /** Promote at this time instead: one scheduled release per target, judged against its policy when it fires. */
  scheduled_at?: string | undefined;
}

/**
 * Promotes a release into other environments: a new release with the same
 * content in each target, or a pending promotion request where the target
 * requires approvals. Needs read access to the release and `promote` in
 * every target. `ifMatch` names the release each target serves now.
 */
export async function promoteRelease(
  deps: Deps,
  principal: Principal,
  releaseId: string,
  input: PromoteInput,
  ifMatch: string | undefined,
): Promise<Result<{ results: PromotionResult[]; pending: boolean }>> {
  const systemTag = requestedTagsRefusal(input.release_tags ?? []);
  if (systemTag) return systemTag;
  const readable = await findReadableRelease(deps, principal, releaseId);
  if (!readable.ok) return readable;
  const origin = readable.value;
  const sameEnvironment = (await environmentNames(deps.db, principal.workspaceId)).get(origin.environmentId);
  const selfIndex = input.environments.indexOf(sameEnvironment ?? "");
  if (selfIndex >= 0) {
    return fail("VALIDATION_FAILED", `The release already lives in ${sameEnvironment}; promote it into another environment`, [
      { path: `body.environments[${selfIndex}]`, message: "The release's own environment" },
    ]);
  }
  const targets = await resolveTargets(deps, principal, input.environments, "promote");
  if (!targets.ok) return targets;
  if (input.scheduled_at) return schedulePromotion(deps, principal, origin.id, origin.deploymentId, targets.value, input, input.scheduled_at);
  const outcome = await coordinatorFor(deps, principal.workspaceId, origin.deploymentId).promote({
    context: commandContext(deps, principal, origin.deploymentId),
    releaseId: origin.id,
    targets: targets.value.map((t) => ({ id: t.id, name: t.name })),
    releaseTags: input.release_tags ?? [],
    description: input.description ?? "",
    ifMatch,
  });
  if (!outcome.ok) return outcome;
  const views = await releaseViews(deps.db, principal.workspaceId, outcome.value.releases);
  const results = targets.value.map((env): PromotionResult => {
    const request = outcome.value.promotionRequests.find((p) => p.environmentId === env.id);
    if (request) return { environment: env.name, status: "pending_approval", promotion_request: promotionRequestView(request, env.name) };
    return { environment: env.name, status: "released", release: views.find((v) => v.environment === env.name)! };
  });
  return ok({ results, pending: outcome.value.promotionRequests.length > 0 });
}

/** One scheduled release per target; nothing about the policy is judged until each fires. */
async function schedulePromotion(
  deps: Deps,
  principal: Principal,
  releaseId: string,
  deploymentId: string,
  targets: { id: string; name: string }[],
  input: PromoteInput,
  scheduledAt: string,
): Promise<Result<{ results: PromotionResult[]; pending: boolean }>> {
  const coordinator = coordinatorFor(deps, principal.workspaceId, deploymentId);
  const results: PromotionResult[] = [];
  for (const env of targets) {
    const outcome = await coordinator.schedule({
      context: commandContext(deps, principal, deploymentId),
      environment: { id: env.id, name: env.name },
      kind: "promotion",
      releaseId,
      scheduledAt,
      rolloutPlan: null,
      releaseTags: input.release_tags ?? [],
      description: input.description ?? "",
    });
    if (!outcome.ok) return outcome;
    results.push({ environment: env.name, status: "scheduled", scheduled_release: scheduledReleaseView(outcome.value.scheduledReleases![0]!, env.name) });
  }
  return ok({ results, pending: true });
}
