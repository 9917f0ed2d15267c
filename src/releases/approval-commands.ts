import type { AuditAction } from "../audit/audit-log";
import { fail, ok, type Result } from "../lib/result";
import { rolloutStart } from "../rollouts/rollout-commands";
import { refuseDuringRollout } from "../rollouts/rollout-lock";
import { type DeploymentRow, findDeployment } from "./deployment-repository";
import { type PolicyRefusal, promotionRefusal } from "./promotion-policy";
import { findPromotionRequest, type PromotionRequestRow, updatePromotionRequest } from "./promotion-request-repository";
import { type CommandContext, type CommandDeps, currentPolicy, newRelease, type Plan, refused } from "./release-commands";
import { findRelease, type ReleaseRow } from "./release-repository";

export interface DecideCommand {
  context: CommandContext;
  promotionRequestId: string;
  environment: { id: string; name: string };
  decision: "approve" | "reject";
  comment: string;
}

export interface SettleCommand {
  context: CommandContext;
  promotionRequestId: string;
  environment: { id: string; name: string };
}

/**
 * Approves or rejects a promotion request, inside the deployment's
 * coordinator so that concurrent approvals are counted one at a time: the
 * approval that reaches the required number lands the promotion, exactly
 * once, if the environment's policy (freeze windows, test gate on this very
 * release) lets it; otherwise the request is `approved` and says what it
 * waits for. The requester cannot approve their own request; an approver
 * counts once. An approved request that waits can still be rejected.
 */
export async function planDecision(deps: CommandDeps, cmd: DecideCommand): Promise<Result<Plan>> {
  const ctx = cmd.context;
  const found = await loadRequest(deps, cmd);
  if (!found.ok) return found;
  const { request, deployment } = found.value;
  const approver = ctx.actor.type === "api_key" ? ctx.actor.id : ctx.actor.type;
  const now = deps.now().toISOString();
  if (request.status !== "pending" && request.status !== "approved") return fail("PROMOTION_REQUEST_CLOSED", `The promotion request is ${request.status}`);
  if (isExpired(request, deps)) return ok(decisionPlan(deps, { ...request, status: "expired", updatedAt: now }, request, deployment, "promotion.expired"));
  if (cmd.decision === "reject") {
    return ok(decisionPlan(deps, { ...request, status: "rejected", updatedAt: now }, request, deployment, "promotion.rejected", cmd.comment));
  }
  if (request.status === "approved") {
    return fail("PROMOTION_REQUEST_CLOSED", `The promotion request has every approval it needs; it waits because ${request.blockedReason}`);
  }
  if (approver === request.requestedBy) return fail("SELF_APPROVAL", "The requester of a promotion cannot approve it");
  if (request.approvals.some((a) => a.approver === approver)) return fail("ALREADY_APPROVED", "This key has already approved the promotion request");
  const approvals = [...request.approvals, { approver, comment: cmd.comment, at: now }];
  const approved: PromotionRequestRow = { ...request, approvals, updatedAt: now };
  if (approvals.length < request.requiredApprovals) return ok(decisionPlan(deps, approved, request, deployment, "promotion.approved", cmd.comment));
  const refusal = await policyRefusal(deps, cmd, request.releaseId);
  if (!refusal.ok) return refusal;
  if (refusal.value) {
    // Every approval is in; the policy still holds the release back, so the request says why and waits.
    const waiting: PromotionRequestRow = { ...approved, status: "approved", blockedReason: refusal.value.reason };
    return ok(decisionPlan(deps, waiting, request, deployment, "promotion.approved", cmd.comment));
  }
  return land(deps, cmd, approved, request, deployment, cmd.comment);
}

/**
 * Settles a request nobody is deciding on: one past its expiry becomes
 * `expired`; one that has every approval but was held back by policy lands
 * once the policy lets it (a passing test run, a freeze window over). Still
 * held back for a new reason: its `blocked_reason` says the new one
 * (`promotion.held`); for the same reason: the refusal, and nothing written.
 */
export async function planSettle(deps: CommandDeps, cmd: SettleCommand): Promise<Result<Plan>> {
  const found = await loadRequest(deps, cmd);
  if (!found.ok) return found;
  const { request, deployment } = found.value;
  if (request.status !== "approved" && request.status !== "pending") return fail("PROMOTION_REQUEST_CLOSED", `The promotion request is ${request.status}`);
  if (isExpired(request, deps)) {
    return ok(decisionPlan(deps, { ...request, status: "expired", updatedAt: deps.now().toISOString() }, request, deployment, "promotion.expired"));
  }
  if (request.status === "pending") return fail("PROMOTION_REQUEST_CLOSED", "The promotion request still waits for approvals");
  const refusal = await policyRefusal(deps, cmd, request.releaseId);
  if (!refusal.ok) return refusal;
  if (refusal.value) {
    // Still held back: the request keeps saying what holds it now (a newer failing run, another freeze), recorded only when that changes.
    if (refusal.value.reason === request.blockedReason) return refused(refusal.value);
    const held: PromotionRequestRow = { ...request, blockedReason: refusal.value.reason, updatedAt: deps.now().toISOString() };
    return ok(decisionPlan(deps, held, request, deployment, "promotion.held"));
  }
  return land(deps, cmd, { ...request, updatedAt: deps.now().toISOString() }, request, deployment);
}

/** What the target environment's policy, as stored now, says against landing the release. */
async function policyRefusal(deps: CommandDeps, cmd: DecideCommand | SettleCommand, releaseId: string): Promise<Result<PolicyRefusal | null>> {
  const policy = await currentPolicy(deps, cmd.context.workspaceId, cmd.environment);
  if (!policy.ok) return policy;
  return ok(await promotionRefusal(deps.db, policy.value, releaseId, deps.now()));
}

async function loadRequest(deps: CommandDeps, cmd: { context: CommandContext; promotionRequestId: string; environment: { id: string } }) {
  const ctx = cmd.context;
  const request = await findPromotionRequest(deps.db, ctx.workspaceId, cmd.promotionRequestId);
  const deployment = await findDeployment(deps.db, ctx.workspaceId, ctx.deploymentId);
  if (!request || !deployment || request.environmentId !== cmd.environment.id) return fail("NOT_FOUND", `No promotion request "${cmd.promotionRequestId}"`);
  return ok({ request, deployment });
}

function isExpired(request: PromotionRequestRow, deps: CommandDeps) {
  return Date.parse(request.expiresAt) <= deps.now().getTime();
}

/** The request has every approval and the policy allows it: the promotion's release, and the request executed. */
async function land(
  deps: CommandDeps,
  cmd: DecideCommand | SettleCommand,
  approved: PromotionRequestRow,
  before: PromotionRequestRow,
  deployment: DeploymentRow,
  comment?: string,
): Promise<Result<Plan>> {
  const ctx = cmd.context;
  const origin = await findRelease(deps.db, ctx.workspaceId, approved.releaseId);
  if (!origin) return fail("NOT_FOUND", `The release ${approved.releaseId} no longer exists`);
  if (approved.rolloutPlan) return landRollout(deps, cmd, approved, before, deployment, origin, comment);
  const busy = await refuseDuringRollout(deps.db, ctx.workspaceId, ctx.deploymentId, cmd.environment);
  if (!busy.ok) return busy;
  const made = await newRelease(
    deps,
    ctx,
    cmd.environment,
    { spec: origin.spec, contentHash: origin.contentHash },
    { sourceType: "promotion", sourceSandboxRevision: origin.sourceSandboxRevision, sourceReleaseId: origin.id },
    approved.releaseTags,
    approved.description || origin.description,
  );
  if (!made.ok) return made;
  const executed: PromotionRequestRow = { ...approved, status: "executed", blockedReason: null, resultReleaseId: made.value.release.id };
  const plan = decisionPlan(deps, executed, before, deployment, "promotion.executed", comment);
  plan.writes.push(...made.value.writes);
  plan.environmentIds = [cmd.environment.id];
  plan.outcome.releases = [made.value.release];
  plan.outcome.tags = made.value.tags;
  return ok(plan);
}

/** An approved request for a rollout: the rollout starts, and the request is executed, in one batch. */
async function landRollout(
  deps: CommandDeps,
  cmd: DecideCommand | SettleCommand,
  approved: PromotionRequestRow,
  before: PromotionRequestRow,
  deployment: DeploymentRow,
  origin: ReleaseRow,
  comment?: string,
): Promise<Result<Plan>> {
  const started = await rolloutStart(
    deps,
    { context: cmd.context, environment: cmd.environment, releaseId: origin.id, plan: approved.rolloutPlan!, releaseTags: approved.releaseTags, description: approved.description },
    origin,
  );
  if (!started.ok) return started;
  const candidate = started.value.outcome.releases[0]!;
  const executed: PromotionRequestRow = { ...approved, status: "executed", blockedReason: null, resultReleaseId: candidate.id };
  const plan = decisionPlan(deps, executed, before, deployment, "promotion.executed", comment);
  plan.writes.push(...started.value.writes);
  plan.environmentIds = [cmd.environment.id];
  plan.outcome = { ...started.value.outcome, promotionRequests: [executed] };
  plan.audit.after = { ...(plan.audit.after as Record<string, unknown>), rollout: started.value.audit.after };
  return ok(plan);
}

function decisionPlan(deps: CommandDeps, after: PromotionRequestRow, before: PromotionRequestRow, deployment: DeploymentRow, action: AuditAction, comment?: string): Plan {
  return {
    writes: [updatePromotionRequest(deps.db, after, before.status)],
    environmentIds: [],
    outcome: { deployment, releases: [], tags: [], promotionRequests: [after] },
    audit: {
      action,
      targetType: "promotion_request",
      targetId: after.id,
      environmentId: after.environmentId,
      before: { status: before.status, approvals: before.approvals.length },
      after: {
        status: after.status,
        approvals: after.approvals.length,
        release_id: after.resultReleaseId,
        blocked_reason: after.blockedReason,
        comment: comment ?? null,
      },
    },
  };
}
