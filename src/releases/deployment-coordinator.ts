import { DurableObject } from "cloudflare:workers";
import { commitWithAudit } from "../audit/audit-log";
import { openDatabase } from "../db/client";
import { syncEnvironmentToEdge } from "../edge/release-sync";
import { newId } from "../lib/ids";
import { log } from "../lib/log";
import { ok, type Result } from "../lib/result";
import { emitCommandEvents } from "../webhooks/events";
import { type DecideCommand, planDecision, planSettle, type SettleCommand } from "./approval-commands";
import {
  type CommandContext,
  type CommandDeps,
  type CommandOutcome,
  type DeployCommand,
  type MoveTagCommand,
  type Plan,
  type PromoteCommand,
  planDeploy,
  planMoveTag,
  planPromote,
  planRevert,
  type RevertCommand,
} from "./release-commands";

const OUTBOX_PREFIX = "outbox:";
const IDENTITY_KEY = "identity";
const RETRIES_KEY = "retries";
const FIRST_RETRY_MS = 1_000;
const MAX_RETRY_MS = 60_000;

interface Identity {
  workspaceId: string;
  deploymentId: string;
}

/**
 * One per (workspace, deployment): the only writer of that deployment's
 * releases and tags. Commands run strictly one after another, even though
 * the runtime would interleave them at every awaited D1 or KV call.
 *
 * A command commits to D1 first (one batch, with its audit event), then
 * copies the affected environments to KV. The copy is driven by an outbox
 * in this object's storage, written before the commit: if the copy fails
 * or the object dies first, the alarm retries until KV matches D1.
 */
export class DeploymentCoordinator extends DurableObject<Env> {
  /** The KV namespace the outbox writes to. */
  edge: KVNamespace;
  #tail: Promise<unknown> = Promise.resolve();

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.edge = env.EDGE;
  }

  deploy(cmd: DeployCommand) {
    return this.#run(cmd.context, (deps) => planDeploy(deps, cmd));
  }

  promote(cmd: PromoteCommand) {
    return this.#run(cmd.context, (deps) => planPromote(deps, cmd));
  }

  revert(cmd: RevertCommand) {
    return this.#run(cmd.context, (deps) => planRevert(deps, cmd));
  }

  moveTag(cmd: MoveTagCommand) {
    return this.#run(cmd.context, (deps) => planMoveTag(deps, cmd));
  }

  decide(cmd: DecideCommand) {
    return this.#run(cmd.context, (deps) => planDecision(deps, cmd));
  }

  settlePromotion(cmd: SettleCommand) {
    return this.#run(cmd.context, (deps) => planSettle(deps, cmd));
  }

  /** Environments whose KV copy is still owed. */
  async pendingPropagation(): Promise<string[]> {
    return [...(await this.ctx.storage.list<number>({ prefix: OUTBOX_PREFIX })).keys()].map((k) => k.slice(OUTBOX_PREFIX.length));
  }

  override async alarm() {
    await this.#serialized(() => this.#propagate());
  }

  #serialized<T>(work: () => Promise<T>): Promise<T> {
    const run = this.#tail.then(work, work);
    this.#tail = run.catch(() => undefined);
    return run;
  }

  async #run(context: CommandContext, plan: (deps: CommandDeps) => Promise<Result<Plan>>): Promise<Result<CommandOutcome>> {
    const deps: CommandDeps = { db: openDatabase(this.env.DB), now: () => new Date(), newId, requestId: context.requestId };
    const committed = await this.#serialized(async (): Promise<Result<Plan>> => {
      await this.ctx.storage.put<Identity>(IDENTITY_KEY, { workspaceId: context.workspaceId, deploymentId: context.deploymentId });
      const planned = await plan(deps);
      if (!planned.ok) return planned;
      const { writes, audit, environmentIds } = planned.value;
      await this.#enqueue(environmentIds);
      await commitWithAudit(deps, context.workspaceId, writes, { ...audit, actor: context.actor });
      // The caller's next request here must see the change, so copy now; the alarm covers a failure.
      await this.#propagate();
      return planned;
    });
    if (!committed.ok) return committed;
    const { outcome } = committed.value;
    // Isolates serve pointers from memory for up to the edge cache's bound (see edge/cache.ts).
    // Waiting it out before answering and announcing means that the caller's next request, and a
    // receiver reacting to the event, find the new release.
    if (context.edgeCacheMs > 0 && (outcome.releases.length > 0 || outcome.tags.length > 0)) await new Promise((resolve) => setTimeout(resolve, context.edgeCacheMs + 1));
    // Outside the serialized section, so that announcing one change does not hold up the next.
    // Best effort: an event is lost if this object dies first (the change itself is not).
    await emitCommandEvents({ ...deps, events: this.env.EVENTS }, context.workspaceId, committed.value.audit.action, outcome);
    return ok(outcome);
  }

  async #enqueue(environmentIds: string[]) {
    await this.ctx.storage.put(Object.fromEntries(environmentIds.map((id) => [OUTBOX_PREFIX + id, Date.now()])));
    // Armed before the commit: should this object die before copying, the alarm still fires.
    await this.ctx.storage.setAlarm(Date.now() + FIRST_RETRY_MS);
  }

  async #propagate() {
    const identity = await this.ctx.storage.get<Identity>(IDENTITY_KEY);
    const owed = await this.pendingPropagation();
    if (!identity || owed.length === 0) return this.ctx.storage.deleteAlarm();
    const db = openDatabase(this.env.DB);
    const failed: string[] = [];
    for (const environmentId of owed) {
      try {
        await syncEnvironmentToEdge(db, this.edge, identity.workspaceId, identity.deploymentId, environmentId);
        await this.ctx.storage.delete(OUTBOX_PREFIX + environmentId);
      } catch (error) {
        failed.push(environmentId);
        log.warn("KV propagation failed; will retry", { deployment_id: identity.deploymentId, environment_id: environmentId, error });
      }
    }
    if (failed.length === 0) {
      await this.ctx.storage.delete(RETRIES_KEY);
      return this.ctx.storage.deleteAlarm();
    }
    const attempts = ((await this.ctx.storage.get<number>(RETRIES_KEY)) ?? 0) + 1;
    await this.ctx.storage.put(RETRIES_KEY, attempts);
    await this.ctx.storage.setAlarm(Date.now() + Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** attempts));
  }
}
