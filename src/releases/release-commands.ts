import type { Actor, AuditEntry } from "../audit/audit-log";
import type { Deps } from "../context";
import { guard, type Write } from "../db/batch";
import type { RolloutPlan } from "../db/schema";
import { type EnvironmentRow, findEnvironmentById } from "../environments/repository";
import { fail, ok, type Result } from "../lib/result";
import { refuseDuringRollout } from "../rollouts/rollout-lock";
import type { RolloutRow } from "../rollouts/rollout-repository";
import type { ScheduledReleaseRow } from "../rollouts/scheduled-release-repository";
import { type DeploymentRow, findDeployment, findDeploymentByName, insertDeployment } from "./deployment-repository";
import { directDeployRefusal, freezeRefusal, type PolicyRefusal, testGateRefusal } from "./promotion-policy";
import { findOpenPromotionRequest, insertPromotionRequest, type PromotionRequestRow } from "./promotion-request-repository";
import {
  findLatestRelease,
  findRelease,
  findReleaseByVersion,
  findTag,
  insertRelease,
  LATEST,
  type ReleaseRow,
  type ReleaseTagRow,
  upsertTag,
  versionIsNext,
} from "./release-repository";
import { checkTagMove, requestedTagsRefusal, systemTagRefusal, tagKind } from "./tag-rules";

/**
 * The rules for changing a deployment's releases and tags. They run inside
 * the deployment's coordinator, one at a time, so what they read cannot
 * change before their batch commits.
 *
 * Each command returns a plan: the writes (one D1 batch), the audit entry,
 * the environments whose KV pointers must be refreshed, and the result.
 */

export type CommandDeps = Pick<Deps, "db" | "now" | "newId" | "requestId">;

export interface CommandContext {
  workspaceId: string;
  deploymentId: string;
  actor: Actor;
  requestId: string;
  /** The caller's edge cache bound (config.edgeCacheMs); see edge/cache.ts. */
  edgeCacheMs: number;
}

export interface EnvironmentTarget {
  id: string;
  name: string;
}

/** What a command changed, for the caller to present. */
export interface CommandOutcome {
  deployment: DeploymentRow;
  releases: ReleaseRow[];
  /** Every tag of the created or moved releases, after the change. */
  tags: ReleaseTagRow[];
  promotionRequests: PromotionRequestRow[];
  /** The rollouts the command started or changed. */
  rollouts?: RolloutRow[] | undefined;
  /** The scheduled releases the command created, cancelled or fired. */
  scheduledReleases?: ScheduledReleaseRow[] | undefined;
  /** Set by the coordinator once committed: the command rewrote what the invoke path reads from KV. */
  movedEdge?: boolean | undefined;
}

export interface Plan {
  writes: Write[];
  audit: Omit<AuditEntry, "actor">;
  environmentIds: string[];
  outcome: CommandOutcome;
}

const PROMOTION_REQUEST_TTL_MS = 7 * 86_400_000;

function actorId(actor: Actor) {
  return actor.type === "api_key" ? actor.id : actor.type;
}

function ifMatchFails(ifMatch: string | undefined, currentId: string | null) {
  return ifMatch !== undefined && ifMatch !== currentId;
}

/**
 * The target's policy as stored now. Read here, inside the coordinator, so a
 * change of policy applies to the very next command, whoever sends it.
 */
export async function currentPolicy(deps: CommandDeps, workspaceId: string, env: EnvironmentTarget): Promise<Result<EnvironmentRow>> {
  const row = await findEnvironmentById(deps.db, workspaceId, env.id);
  return row ? ok(row) : fail("NOT_FOUND", `No environment named "${env.name}"`);
}

/** A refusal by policy as a failed result. */
export function refused(refusal: PolicyRefusal) {
  return fail(refusal.code, refusal.reason);
}

/**
 * A new release in one environment, with LATEST and the requested tags moved
 * to it, or the reason a requested tag cannot move.
 */
export async function newRelease(
  deps: CommandDeps,
  ctx: CommandContext,
  env: EnvironmentTarget,
  content: { spec: unknown; contentHash: string },
  source: Pick<ReleaseRow, "sourceType" | "sourceSandboxRevision" | "sourceReleaseId">,
  userTags: string[],
  description: string,
): Promise<Result<NewRelease>> {
  // Also refused before the command is sent; checked here for every caller (a landing approval replays stored tags).
  const systemTag = requestedTagsRefusal(userTags);
  if (systemTag) return systemTag;
  const latest = await findLatestRelease(deps.db, ctx.workspaceId, ctx.deploymentId, env.id);
  const now = deps.now().toISOString();
  const release: ReleaseRow = {
    id: deps.newId("release"),
    workspaceId: ctx.workspaceId,
    deploymentId: ctx.deploymentId,
    environmentId: env.id,
    version: (latest?.version ?? 0) + 1,
    spec: content.spec,
    contentHash: content.contentHash,
    ...source,
    description,
    createdAt: now,
    createdBy: actorId(ctx.actor),
  };
  const tags: ReleaseTagRow[] = [];
  for (const name of [LATEST, ...new Set(userTags)]) {
    if (name !== LATEST) {
      const refusal = checkTagMove(name, await findTag(deps.db, ctx.workspaceId, ctx.deploymentId, env.id, name), release.id);
      if (refusal) return fail(refusal, `The tag "${name}" cannot be set in ${env.name}: semantic version tags are write-once`);
    }
    tags.push({
      workspaceId: ctx.workspaceId,
      deploymentId: ctx.deploymentId,
      environmentId: env.id,
      name,
      releaseId: release.id,
      kind: tagKind(name),
      updatedAt: now,
      updatedBy: release.createdBy,
    });
  }
  const writes = [
    guard(deps.db, ctx.workspaceId, versionIsNext(ctx.workspaceId, ctx.deploymentId, env.id, release.version)),
    insertRelease(deps.db, release),
    ...tags.map((tag) => upsertTag(deps.db, tag)),
  ];
  return ok({ release, tags, writes });
}

type NewRelease = { release: ReleaseRow; tags: ReleaseTagRow[]; writes: Write[] };

/** Adds a new release's writes and rows to a plan being built. */
function collect(made: NewRelease, writes: Write[], outcome: CommandOutcome) {
  writes.push(...made.writes);
  outcome.releases.push(made.release);
  outcome.tags.push(...made.tags);
}

/** How an audit event records a release. */
function releaseSummary(r: ReleaseRow) {
  return { id: r.id, environment_id: r.environmentId, version: r.version, content_hash: r.contentHash };
}

export interface DeployCommand {
  context: CommandContext;
  deploymentName: string;
  sandbox: { id: string; revision: number; kind: "prompt" | "workflow"; spec: unknown; contentHash: string };
  targets: EnvironmentTarget[];
  releaseTags: string[];
  description: string;
}

/** One release per target environment, and the deployment itself on first use: all in one batch. */
export async function planDeploy(deps: CommandDeps, cmd: DeployCommand): Promise<Result<Plan>> {
  const ctx = cmd.context;
  const writes: Write[] = [];
  let deployment = await findDeployment(deps.db, ctx.workspaceId, ctx.deploymentId);
  if (deployment && deployment.name !== cmd.deploymentName) {
    return fail("DEPLOYMENT_NAME_MISMATCH", `This sandbox deploys as "${deployment.name}"`, [{ path: "body.deployment_name", message: `Must be "${deployment.name}"` }]);
  }
  if (!deployment) {
    if (await findDeploymentByName(deps.db, ctx.workspaceId, cmd.deploymentName)) {
      return fail("DEPLOYMENT_NAME_TAKEN", `Another sandbox already deploys as "${cmd.deploymentName}"`, [{ path: "body.deployment_name", message: "Already in use" }]);
    }
    deployment = {
      id: ctx.deploymentId,
      workspaceId: ctx.workspaceId,
      name: cmd.deploymentName,
      kind: cmd.sandbox.kind,
      sandboxId: cmd.sandbox.id,
      createdAt: deps.now().toISOString(),
      createdBy: actorId(ctx.actor),
    };
    writes.push(insertDeployment(deps.db, deployment));
  }
  const outcome: CommandOutcome = { deployment, releases: [], tags: [], promotionRequests: [] };
  for (const env of cmd.targets) {
    const policy = await currentPolicy(deps, ctx.workspaceId, env);
    if (!policy.ok) return policy;
    // Checked again here, where it cannot race a change of policy.
    const refusal = directDeployRefusal(policy.value) ?? freezeRefusal(policy.value, deps.now());
    if (refusal) return fail(refusal.code, refusal.reason);
    const busy = await refuseDuringRollout(deps.db, ctx.workspaceId, ctx.deploymentId, env);
    if (!busy.ok) return busy;
    const made = await newRelease(
      deps,
      ctx,
      env,
      cmd.sandbox,
      { sourceType: "sandbox", sourceSandboxRevision: cmd.sandbox.revision, sourceReleaseId: null },
      cmd.releaseTags,
      cmd.description,
    );
    if (!made.ok) return made;
    collect(made.value, writes, outcome);
  }
  return ok({
    writes,
    environmentIds: cmd.targets.map((t) => t.id),
    outcome,
    audit: {
      action: "release.deployed",
      targetType: "deployment",
      targetId: deployment.id,
      environmentId: cmd.targets.length === 1 ? cmd.targets[0]!.id : null,
      before: null,
      after: {
        deployment_name: deployment.name,
        sandbox_id: cmd.sandbox.id,
        sandbox_revision: cmd.sandbox.revision,
        releases: outcome.releases.map(releaseSummary),
        tags: outcome.tags.map((t) => ({ name: t.name, environment_id: t.environmentId, release_id: t.releaseId })),
      },
    },
  });
}

export interface PromoteCommand {
  context: CommandContext;
  releaseId: string;
  /** Released now, or waiting for approval where the target's policy asks for it. */
  targets: EnvironmentTarget[];
  releaseTags: string[];
  description: string;
  ifMatch?: string | undefined;
}

/**
 * Copies a release into other environments as new releases (source
 * `promotion`), or records a pending promotion request where the target
 * demands approvals. Each target's policy is judged here, for every caller
 * alike: a freeze window or a failing test gate refuses the whole command.
 */
export async function planPromote(deps: CommandDeps, cmd: PromoteCommand): Promise<Result<Plan>> {
  const ctx = cmd.context;
  // A pending request stores the tags for later; refuse a system tag now, not when it lands.
  const systemTag = requestedTagsRefusal(cmd.releaseTags);
  if (systemTag) return systemTag;
  const origin = await findRelease(deps.db, ctx.workspaceId, cmd.releaseId);
  const deployment = await findDeployment(deps.db, ctx.workspaceId, ctx.deploymentId);
  if (!origin || !deployment || origin.deploymentId !== deployment.id) return fail("NOT_FOUND", `No release with id "${cmd.releaseId}"`);
  const outcome: CommandOutcome = { deployment, releases: [], tags: [], promotionRequests: [] };
  const writes: Write[] = [];
  const now = deps.now();
  for (const env of cmd.targets) {
    if (cmd.ifMatch !== undefined) {
      const live = await findLatestRelease(deps.db, ctx.workspaceId, ctx.deploymentId, env.id);
      if (ifMatchFails(cmd.ifMatch, live?.id ?? null)) {
        return fail("PRECONDITION_FAILED", `If-Match names ${cmd.ifMatch}, but ${env.name} serves ${live?.id ?? "nothing yet"}`);
      }
    }
    const policy = await currentPolicy(deps, ctx.workspaceId, env);
    if (!policy.ok) return policy;
    const frozen = freezeRefusal(policy.value, now);
    if (frozen) return refused(frozen);
    const requiredApprovals = policy.value.requiredApprovals;
    if (requiredApprovals > 0) {
      // Read here, inside the coordinator, so two promotes at once cannot both find none.
      const open = await findOpenPromotionRequest(deps.db, ctx.workspaceId, origin.id, env.id, now.toISOString());
      if (open) {
        return fail(
          "PROMOTION_ALREADY_REQUESTED",
          `Promotion request ${open.id} already asks to promote ${origin.id} into ${env.name} (${open.status}); approve, reject or await it`,
          [{ path: `body.environments[${cmd.targets.indexOf(env)}]`, message: `Already requested: ${open.id}` }],
        );
      }
      // The test gate is judged when the last approval lands, on this same release.
      const request = pendingPromotionRequest(deps, ctx, origin.id, env, requiredApprovals, cmd.releaseTags, cmd.description, null);
      writes.push(insertPromotionRequest(deps.db, request));
      outcome.promotionRequests.push(request);
      continue;
    }
    const busy = await refuseDuringRollout(deps.db, ctx.workspaceId, ctx.deploymentId, env);
    if (!busy.ok) return busy;
    const gate = await testGateRefusal(deps.db, policy.value, origin.id);
    if (gate) return refused(gate);
    const made = await newRelease(
      deps,
      ctx,
      env,
      { spec: origin.spec, contentHash: origin.contentHash },
      { sourceType: "promotion", sourceSandboxRevision: origin.sourceSandboxRevision, sourceReleaseId: origin.id },
      cmd.releaseTags,
      cmd.description || origin.description,
    );
    if (!made.ok) return made;
    collect(made.value, writes, outcome);
  }
  return ok({
    writes,
    environmentIds: outcome.releases.map((r) => r.environmentId),
    outcome,
    audit: {
      action: "release.promoted",
      targetType: "release",
      targetId: origin.id,
      environmentId: cmd.targets.length === 1 ? cmd.targets[0]!.id : null,
      before: { release_id: origin.id, environment_id: origin.environmentId, version: origin.version },
      after: {
        releases: outcome.releases.map(releaseSummary),
        promotion_requests: outcome.promotionRequests.map((p) => ({ id: p.id, environment_id: p.environmentId, required_approvals: p.requiredApprovals })),
      },
    },
  });
}

/**
 * A promotion request waiting for `requiredApprovals` approvals in `env`:
 * for a promotion, or (with `rolloutPlan`) for a rollout to start once approved.
 */
export function pendingPromotionRequest(
  deps: CommandDeps,
  ctx: CommandContext,
  releaseId: string,
  env: EnvironmentTarget,
  requiredApprovals: number,
  releaseTags: string[],
  description: string,
  rolloutPlan: RolloutPlan | null,
): PromotionRequestRow {
  const now = deps.now();
  return {
    id: deps.newId("promotionRequest"),
    workspaceId: ctx.workspaceId,
    deploymentId: ctx.deploymentId,
    releaseId,
    environmentId: env.id,
    status: "pending",
    requiredApprovals,
    approvals: [],
    releaseTags: [...new Set(releaseTags)],
    description,
    requestedBy: actorId(ctx.actor),
    resultReleaseId: null,
    blockedReason: null,
    rolloutPlan,
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + PROMOTION_REQUEST_TTL_MS).toISOString(),
  };
}

export interface RevertCommand {
  context: CommandContext;
  environment: EnvironmentTarget;
  /** Default: the release that was live before the current one. */
  releaseId?: string | undefined;
  ifMatch?: string | undefined;
  /** Abort a rollout running in the environment first (otherwise a rollout refuses the revert). */
  abortRollout?: boolean | undefined;
}

/** A new release (source `revert`) with an earlier release's content; LATEST moves to it. */
export async function planRevert(deps: CommandDeps, cmd: RevertCommand): Promise<Result<Plan>> {
  const ctx = cmd.context;
  const env = cmd.environment;
  const deployment = await findDeployment(deps.db, ctx.workspaceId, ctx.deploymentId);
  const current = deployment && (await findLatestRelease(deps.db, ctx.workspaceId, ctx.deploymentId, env.id));
  if (!deployment || !current) return fail("NOT_FOUND", `The deployment has no release in ${env.name}`);
  const busy = await refuseDuringRollout(deps.db, ctx.workspaceId, ctx.deploymentId, env);
  if (!busy.ok) return busy;
  if (ifMatchFails(cmd.ifMatch, current.id)) return fail("PRECONDITION_FAILED", `If-Match names ${cmd.ifMatch}, but ${env.name} serves ${current.id}`);
  const target = cmd.releaseId
    ? await findRelease(deps.db, ctx.workspaceId, cmd.releaseId)
    : await findReleaseByVersion(deps.db, ctx.workspaceId, ctx.deploymentId, env.id, current.version - 1);
  if (cmd.releaseId && (!target || target.deploymentId !== deployment.id || target.environmentId !== env.id)) {
    return fail("NOT_FOUND", `No release "${cmd.releaseId}" of this deployment in ${env.name}`, [{ path: "body.release_id", message: "Unknown release" }]);
  }
  if (!target) return fail("NO_PREVIOUS_RELEASE", `Release ${current.version} is the first in ${env.name}; there is nothing to revert to`);
  if (target.id === current.id) return fail("RELEASE_ALREADY_LIVE", `${target.id} is already live in ${env.name}`);
  const made = await newRelease(
    deps,
    ctx,
    env,
    { spec: target.spec, contentHash: target.contentHash },
    { sourceType: "revert", sourceSandboxRevision: target.sourceSandboxRevision, sourceReleaseId: target.id },
    [],
    `Revert to version ${target.version}`,
  );
  if (!made.ok) return made;
  return ok({
    writes: made.value.writes,
    environmentIds: [env.id],
    outcome: { deployment, releases: [made.value.release], tags: made.value.tags, promotionRequests: [] },
    audit: {
      action: "release.reverted",
      targetType: "deployment",
      targetId: deployment.id,
      environmentId: env.id,
      before: { live_release_id: current.id, version: current.version },
      after: { live_release_id: made.value.release.id, version: made.value.release.version, restored_release_id: target.id },
    },
  });
}

export interface MoveTagCommand {
  context: CommandContext;
  environment: EnvironmentTarget;
  tag: string;
  releaseId: string;
  ifMatch?: string | undefined;
}

/** Points a user tag at a release of the same environment. */
export async function planMoveTag(deps: CommandDeps, cmd: MoveTagCommand): Promise<Result<Plan>> {
  const ctx = cmd.context;
  const env = cmd.environment;
  const deployment = await findDeployment(deps.db, ctx.workspaceId, ctx.deploymentId);
  const release = await findRelease(deps.db, ctx.workspaceId, cmd.releaseId);
  if (!deployment || !release || release.deploymentId !== deployment.id || release.environmentId !== env.id) {
    return fail("NOT_FOUND", `No release "${cmd.releaseId}" of this deployment in ${env.name}`, [{ path: "body.history_item_id", message: "Unknown release" }]);
  }
  const current = await findTag(deps.db, ctx.workspaceId, ctx.deploymentId, env.id, cmd.tag);
  if (ifMatchFails(cmd.ifMatch, current?.releaseId ?? null)) {
    return fail("PRECONDITION_FAILED", `If-Match names ${cmd.ifMatch}, but the tag points at ${current?.releaseId ?? "nothing"}`);
  }
  const policy = await currentPolicy(deps, ctx.workspaceId, env);
  if (!policy.ok) return policy;
  const frozen = freezeRefusal(policy.value, deps.now());
  if (frozen) return refused(frozen);
  const busy = await refuseDuringRollout(deps.db, ctx.workspaceId, ctx.deploymentId, env);
  if (!busy.ok) return busy;
  const refusal = checkTagMove(cmd.tag, current, release.id);
  if (refusal === "TAG_IS_SYSTEM") return systemTagRefusal("path.name");
  if (refusal === "TAG_IS_IMMUTABLE") return fail(refusal, `"${cmd.tag}" already names ${current!.releaseId}; semantic version tags are write-once`);
  const tag: ReleaseTagRow = {
    workspaceId: ctx.workspaceId,
    deploymentId: ctx.deploymentId,
    environmentId: env.id,
    name: cmd.tag,
    releaseId: release.id,
    kind: tagKind(cmd.tag),
    updatedAt: deps.now().toISOString(),
    updatedBy: actorId(ctx.actor),
  };
  return ok({
    writes: [upsertTag(deps.db, tag)],
    environmentIds: [env.id],
    outcome: { deployment, releases: [release], tags: [tag], promotionRequests: [] },
    audit: {
      action: "release_tag.moved",
      targetType: "release_tag",
      targetId: `${deployment.id}/${env.name}/${cmd.tag}`,
      environmentId: env.id,
      before: current ? { tag: cmd.tag, release_id: current.releaseId } : null,
      after: { tag: cmd.tag, release_id: release.id },
    },
  });
}
