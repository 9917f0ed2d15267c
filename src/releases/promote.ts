import type { Deps, Principal } from "../context";
import { fail, ok, type Result } from "../lib/result";
import { commandContext, coordinatorFor } from "./coordinator-client";
import { findReadableRelease } from "./read-releases";
import { resolveTargets } from "./resolve-targets";
import { requestedTagsRefusal } from "./tag-rules";
import { environmentNames, type PromotionRequestView, promotionRequestView, type ReleaseView, releaseViews } from "./views";

export type PromotionResult =
  | { environment: string; status: "released"; release: ReleaseView }
  | { environment: string; status: "pending_approval"; promotion_request: PromotionRequestView };

export interface PromoteInput {
  environments: string[];
  release_tags?: string[] | undefined;
  description?: string | undefined;
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
