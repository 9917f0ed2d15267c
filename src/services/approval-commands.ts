import { fail, ok, type Result } from "../lib/result";
import { findDeployment } from "../repositories/deployments";
import { findPromotionRequest, type PromotionRequestRow, updatePromotionRequest } from "../repositories/promotion-requests";
import { findRelease } from "../repositories/releases";
import { type CommandContext, type CommandDeps, newRelease, type Plan } from "./release-commands";

export interface DecideCommand {
  context: CommandContext;
  promotionRequestId: string;
  environment: { id: string; name: string };
  decision: "approve" | "reject";
  comment: string;
}

/**
 * Approves or rejects a pending promotion request, inside the deployment's
 * coordinator so that concurrent approvals are counted one at a time: the
 * approval that reaches the required number creates the release, exactly
 * once. The requester cannot approve their own request; an approver counts once.
 */
export async function planDecision(deps: CommandDeps, cmd: DecideCommand): Promise<Result<Plan>> {
  const ctx = cmd.context;
  const request = await findPromotionRequest(deps.db, ctx.workspaceId, cmd.promotionRequestId);
  const deployment = await findDeployment(deps.db, ctx.workspaceId, ctx.deploymentId);
  if (!request || !deployment || request.environmentId !== cmd.environment.id) return fail("NOT_FOUND", `No promotion request "${cmd.promotionRequestId}"`);
  const approver = ctx.actor.type === "api_key" ? ctx.actor.id : ctx.actor.type;
  const now = deps.now();
  if (request.status !== "pending") return fail("PROMOTION_REQUEST_CLOSED", `The promotion request is ${request.status}`);
  if (Date.parse(request.expiresAt) <= now.getTime()) {
    const expired: PromotionRequestRow = { ...request, status: "expired", updatedAt: now.toISOString() };
    return ok(decisionPlan(deps.db, expired, request, [], deployment, "promotion.expired", null));
  }
  if (cmd.decision === "reject") {
    const rejected: PromotionRequestRow = { ...request, status: "rejected", updatedAt: now.toISOString(), approvals: [...request.approvals] };
    return ok(decisionPlan(deps.db, rejected, request, [], deployment, "promotion.rejected", null, cmd.comment));
  }
  if (approver === request.requestedBy) return fail("SELF_APPROVAL", "The requester of a promotion cannot approve it");
  if (request.approvals.some((a) => a.approver === approver)) return fail("ALREADY_APPROVED", "This key has already approved the promotion request");
  const approvals = [...request.approvals, { approver, comment: cmd.comment, at: now.toISOString() }];
  if (approvals.length < request.requiredApprovals) {
    const approved: PromotionRequestRow = { ...request, approvals, updatedAt: now.toISOString() };
    return ok(decisionPlan(deps.db, approved, request, [], deployment, "promotion.approved", null, cmd.comment));
  }
  const origin = await findRelease(deps.db, ctx.workspaceId, request.releaseId);
  if (!origin) return fail("NOT_FOUND", `The release ${request.releaseId} no longer exists`);
  const made = await newRelease(
    deps,
    ctx,
    cmd.environment,
    { spec: origin.spec, contentHash: origin.contentHash },
    { sourceType: "promotion", sourceSandboxRevision: origin.sourceSandboxRevision, sourceReleaseId: origin.id },
    request.releaseTags,
    request.description || origin.description,
  );
  if (!made.ok) return made;
  const executed: PromotionRequestRow = { ...request, approvals, status: "executed", resultReleaseId: made.value.release.id, updatedAt: now.toISOString() };
  const plan = decisionPlan(deps.db, executed, request, made.value.writes, deployment, "promotion.executed", made.value.release.id, cmd.comment);
  plan.environmentIds = [cmd.environment.id];
  plan.outcome.releases = [made.value.release];
  plan.outcome.tags = made.value.tags;
  return ok(plan);
}

function decisionPlan(
  db: CommandDeps["db"],
  after: PromotionRequestRow,
  before: PromotionRequestRow,
  releaseWrites: Plan["writes"],
  deployment: Plan["outcome"]["deployment"],
  action: string,
  releaseId: string | null,
  comment?: string,
): Plan {
  return {
    writes: [updatePromotionRequest(db, after), ...releaseWrites],
    environmentIds: [],
    outcome: { deployment, releases: [], tags: [], promotionRequests: [after] },
    audit: {
      action,
      targetType: "promotion_request",
      targetId: after.id,
      environmentId: after.environmentId,
      before: { status: before.status, approvals: before.approvals.length },
      after: { status: after.status, approvals: after.approvals.length, release_id: releaseId, comment: comment ?? null },
    },
  };
}
