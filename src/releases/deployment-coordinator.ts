import { DurableObject } from "cloudflare:workers";
import { commitWithAudit } from "../audit/audit-log";
import { loadConfig } from "../config";
import { openDatabase } from "../db/client";
import { publishChangeMark } from "../edge/change-mark";
import { syncEnvironmentToEdge } from "../edge/release-sync";
import { findEnvironmentById } from "../environments/repository";
import { newId } from "../lib/ids";
import { log } from "../lib/log";
import { ok, type Result } from "../lib/result";
import type { WebhookEventMessage, WebhookQueue } from "../queue/messages";
import { planJudgeRollout, planRevertOrAbort, planRolloutAction, planStartRollout, type RolloutActionCommand, type StartRolloutCommand } from "../rollouts/rollout-commands";
import { listActiveRollouts } from "../rollouts/rollout-repository";
import { listWaitingScheduledReleases } from "../rollouts/scheduled-release-repository";
import { type CancelScheduleCommand, planCancelSchedule, planFireSchedule, planSchedule, type ScheduleCommand } from "../rollouts/scheduled-releases";
import { commandEvents } from "../webhooks/events";
import { outboxWrites, relayEvents, relayOwedEvents, webhookEvent } from "../webhooks/outbox";
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
  type RevertCommand,
} from "./release-commands";

const OUTBOX_PREFIX = "outbox:";
const IDENTITY_KEY = "identity";
const RETRIES_KEY = "retries";
const FIRST_RETRY_MS = 1_000;
const MAX_RETRY_MS = 60_000;
/** When the outbox's next copy to KV is due (absent: nothing owed). */
const RETRY_AT_KEY = "retry-at";
/** When the next rollout judgement or scheduled release is due (absent: none). */
const TIMED_AT_KEY = "timed-at";
/** `event:<event id>` → when the alarm should relay that committed webhook event, should the command's own relay not. */
const EVENT_PREFIX = "event:";
/** Consecutive failed relays of owed events, for their backoff. */
const EVENT_RETRIES_KEY = "event-retries";
/** How long after its command's edge-cache wait an owed event is left to the command's own relay. */
const EVENT_RELAY_GRACE_MS = 2_000;
/** How often the alarm judges a running rollout's step. */
export const ROLLOUT_CHECK_MS = 15_000;

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
 *
 * The same alarm drives time: it judges each running rollout's step (and
 * advances, holds or rolls back), and fires scheduled releases when due.
 * Its one wake-up time is the earliest of what is owed.
 */
export class DeploymentCoordinator extends DurableObject<Env> {
  /** The KV namespace the outbox writes to. */
  edge: KVNamespace;
  /** The queue committed webhook events are relayed to. */
  webhooks: WebhookQueue;
  /** The time rollouts and schedules are judged at; tests set their own. */
  clock: () => Date = () => new Date();
  #tail: Promise<unknown> = Promise.resolve();

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.edge = env.EDGE;
    this.webhooks = env.WEBHOOKS;
  }

  deploy(cmd: DeployCommand) {
    return this.#run(cmd.context, (deps) => planDeploy(deps, cmd));
  }

  promote(cmd: PromoteCommand) {
    return this.#run(cmd.context, (deps) => planPromote(deps, cmd));
  }

  revert(cmd: RevertCommand) {
    return this.#run(cmd.context, (deps) => planRevertOrAbort(deps, cmd));
  }

  startRollout(cmd: StartRolloutCommand) {
    return this.#run(cmd.context, (deps) => planStartRollout(deps, cmd));
  }

  actOnRollout(cmd: RolloutActionCommand) {
    return this.#run(cmd.context, (deps) => planRolloutAction(deps, cmd));
  }

  schedule(cmd: ScheduleCommand) {
    return this.#run(cmd.context, (deps) => planSchedule(deps, cmd));
  }

  cancelSchedule(cmd: CancelScheduleCommand) {
    return this.#run(cmd.context, (deps) => planCancelSchedule(deps, cmd));
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
    // No caller waits on a retried copy, but isolates here should not keep the old value for their whole bound.
    if (await this.#serialized(() => this.#propagate())) await publishChangeMark();
    await this.#serialized(() => this.#relayOwedEvents());
    const identity = await this.ctx.storage.get<Identity>(IDENTITY_KEY);
    if (identity) {
      await this.#judgeRollouts(identity);
      await this.#fireSchedules(identity);
    }
    await this.#rearm(true);
  }

  /** The guard's turn for each running rollout of this deployment. */
  async #judgeRollouts(identity: Identity) {
    const db = openDatabase(this.env.DB);
    for (const rollout of await listActiveRollouts(db, identity.workspaceId, identity.deploymentId)) {
      if (rollout.status !== "running") continue;
      const environment = await findEnvironmentById(db, identity.workspaceId, rollout.environmentId);
      if (!environment) continue;
      const judged = await this.#run(this.#systemContext(identity), (deps) =>
        planJudgeRollout(deps, { context: this.#systemContext(identity), rolloutId: rollout.id, environment: { id: environment.id, name: environment.name } }),
      );
      if (!judged.ok && judged.error.code !== "ROLLOUT_UNCHANGED" && judged.error.code !== "ROLLOUT_ENDED") {
        log.warn("rollout judgement failed", { rollout_id: rollout.id, code: judged.error.code });
      }
    }
  }

  /** Fires every scheduled release whose time has come; each is judged against the policy now. */
  async #fireSchedules(identity: Identity) {
    const db = openDatabase(this.env.DB);
    const now = this.clock().toISOString();
    for (const scheduled of await listWaitingScheduledReleases(db, identity.workspaceId, identity.deploymentId)) {
      if (scheduled.scheduledAt > now) break;
      await this.#run(this.#systemContext(identity), (deps) => planFireSchedule(deps, { context: this.#systemContext(identity), scheduledReleaseId: scheduled.id }));
    }
  }

  #systemContext(identity: Identity): CommandContext {
    return { ...identity, actor: { type: "system" }, requestId: `alarm-${newId("auditEvent")}`, edgeCacheMs: loadConfig(this.env).edgeCacheMs };
  }

  /**
   * Sets the alarm to the earliest of: the outbox's next retry, the next
   * relay of an owed webhook event, the next judgement of a running
   * rollout, the next scheduled release; or clears it.
   */
  async #rearm(refresh: boolean) {
    const identity = await this.ctx.storage.get<Identity>(IDENTITY_KEY);
    const times: number[] = [];
    const retryAt = await this.ctx.storage.get<number>(RETRY_AT_KEY);
    if (retryAt !== undefined) times.push(retryAt);
    const eventsDue = [...(await this.ctx.storage.list<number>({ prefix: EVENT_PREFIX })).values()];
    if (eventsDue.length > 0) times.push(Math.min(...eventsDue));
    if (identity && refresh) {
      const timed: number[] = [];
      const db = openDatabase(this.env.DB);
      const [rollouts, scheduled] = await Promise.all([
        listActiveRollouts(db, identity.workspaceId, identity.deploymentId),
        listWaitingScheduledReleases(db, identity.workspaceId, identity.deploymentId),
      ]);
      if (rollouts.some((r) => r.status === "running")) timed.push(Date.now() + ROLLOUT_CHECK_MS);
      // The clock may run ahead of the wall (in tests); the alarm wakes on the wall's time.
      const skew = this.clock().getTime() - Date.now();
      if (scheduled[0]) timed.push(Math.max(Date.now(), Date.parse(scheduled[0].scheduledAt) - skew));
      if (timed.length) await this.ctx.storage.put(TIMED_AT_KEY, Math.min(...timed));
      else await this.ctx.storage.delete(TIMED_AT_KEY);
    }
    const timedAt = await this.ctx.storage.get<number>(TIMED_AT_KEY);
    if (timedAt !== undefined) times.push(timedAt);
    if (times.length === 0) return this.ctx.storage.deleteAlarm();
    await this.ctx.storage.setAlarm(Math.min(...times));
  }

  #serialized<T>(work: () => Promise<T>): Promise<T> {
    const run = this.#tail.then(work, work);
    this.#tail = run.catch(() => undefined);
    return run;
  }

  async #run(context: CommandContext, plan: (deps: CommandDeps) => Promise<Result<Plan>>): Promise<Result<CommandOutcome>> {
    const deps: CommandDeps = { db: openDatabase(this.env.DB), now: () => this.clock(), newId, requestId: context.requestId };
    let events: WebhookEventMessage[] = [];
    const committed = await this.#serialized(async (): Promise<Result<Plan>> => {
      await this.ctx.storage.put<Identity>(IDENTITY_KEY, { workspaceId: context.workspaceId, deploymentId: context.deploymentId });
      const planned = await plan(deps);
      if (!planned.ok) return planned;
      const { writes, audit, environmentIds } = planned.value;
      // The events are fixed (ids, payloads) before the commit and committed with the change, in its batch.
      events = (await commandEvents(deps.db, context.workspaceId, audit.action, planned.value.outcome)).map((input) => webhookEvent(deps, input));
      await this.#enqueue(environmentIds);
      await this.#oweEvents(events, context.edgeCacheMs);
      await commitWithAudit(deps, context.workspaceId, [...writes, ...outboxWrites(deps.db, events)], { ...audit, actor: context.actor });
      // The caller's next request here must see the change, so copy now; the alarm covers a failure.
      await this.#propagate();
      // A rollout or schedule the change started or ended moves the alarm (read again from D1 only then).
      await this.#rearm(Boolean(planned.value.outcome.rollouts?.length || planned.value.outcome.scheduledReleases?.length));
      return planned;
    });
    if (!committed.ok) return committed;
    const { outcome } = committed.value;
    // Isolates serve pointers from memory until they see their location's change mark move (see
    // edge/change-mark.ts). The mark is replaced here for this object's location; the request that
    // sent the command announces the change in its own and waits for the isolates there before it
    // answers (releases/coordinator-client.ts). A rollout's change of its split (advance, complete,
    // pause, resume) moves no tag but rewrites the pointer all the same.
    const movedEdge = outcome.releases.length > 0 || outcome.tags.length > 0 || committed.value.environmentIds.length > 0;
    if (movedEdge) await publishChangeMark();
    // The events are in D1's outbox already, so relaying them holds up neither the answer nor the next
    // command; should the relay fail, or this object die first, the alarm relays them.
    if (events.length > 0) this.ctx.waitUntil(this.#relay(deps, events));
    return ok({ ...outcome, movedEdge });
  }

  async #relay(deps: CommandDeps, events: WebhookEventMessage[]) {
    if (!(await relayEvents({ db: deps.db, webhooks: this.webhooks }, events))) return;
    const relayed = events.map((m) => EVENT_PREFIX + m.event.id);
    await this.#serialized(async () => {
      await this.ctx.storage.delete(relayed);
      await this.#rearm(false);
    });
  }

  async #enqueue(environmentIds: string[]) {
    if (environmentIds.length === 0) return;
    await this.ctx.storage.put(Object.fromEntries(environmentIds.map((id) => [OUTBOX_PREFIX + id, Date.now()])));
    // Armed before the commit: should this object die before copying, the alarm still fires.
    const retryAt = Date.now() + FIRST_RETRY_MS;
    await this.ctx.storage.put(RETRY_AT_KEY, retryAt);
    const alarm = await this.ctx.storage.getAlarm();
    if (alarm === null || alarm > retryAt) await this.ctx.storage.setAlarm(retryAt);
  }

  /**
   * Remembers a command's events before its commit, with the alarm armed
   * for their relay: should this object die after the commit, the alarm
   * still relays them. Due after the command's own relay would have run.
   */
  async #oweEvents(events: WebhookEventMessage[], edgeCacheMs: number) {
    if (events.length === 0) return;
    const dueAt = Date.now() + edgeCacheMs + EVENT_RELAY_GRACE_MS;
    await this.ctx.storage.put(Object.fromEntries(events.map((m) => [EVENT_PREFIX + m.event.id, dueAt])));
    const alarm = await this.ctx.storage.getAlarm();
    if (alarm === null || alarm > dueAt) await this.ctx.storage.setAlarm(dueAt);
  }

  /**
   * The alarm's relay of owed events that are due; what fails is due again
   * after a backoff (1 s doubling to 60 s). An event whose outbox row is
   * gone was relayed already, or its command never committed.
   */
  async #relayOwedEvents() {
    const identity = await this.ctx.storage.get<Identity>(IDENTITY_KEY);
    const owed = await this.ctx.storage.list<number>({ prefix: EVENT_PREFIX });
    const due = [...owed].filter(([, at]) => at <= Date.now()).map(([key]) => key);
    if (!identity || due.length === 0) return;
    const ids = due.map((key) => key.slice(EVENT_PREFIX.length));
    if (await relayOwedEvents({ db: openDatabase(this.env.DB), webhooks: this.webhooks }, identity.workspaceId, ids)) {
      await this.ctx.storage.delete([...due, EVENT_RETRIES_KEY]);
      return;
    }
    const failures = ((await this.ctx.storage.get<number>(EVENT_RETRIES_KEY)) ?? 0) + 1;
    const retryAt = Date.now() + Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** (failures - 1));
    await this.ctx.storage.put({ ...Object.fromEntries(due.map((key) => [key, retryAt])), [EVENT_RETRIES_KEY]: failures });
  }

  /** Copies the owed environments to KV; true when it copied any. */
  async #propagate(): Promise<boolean> {
    const identity = await this.ctx.storage.get<Identity>(IDENTITY_KEY);
    const owed = await this.pendingPropagation();
    if (!identity || owed.length === 0) {
      await this.ctx.storage.delete(RETRY_AT_KEY);
      return false;
    }
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
      await this.ctx.storage.delete([RETRIES_KEY, RETRY_AT_KEY]);
      return true;
    }
    const attempts = ((await this.ctx.storage.get<number>(RETRIES_KEY)) ?? 0) + 1;
    const retryAt = Date.now() + Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** attempts);
    await this.ctx.storage.put({ [RETRIES_KEY]: attempts, [RETRY_AT_KEY]: retryAt });
    const alarm = await this.ctx.storage.getAlarm();
    if (alarm === null || alarm > retryAt) await this.ctx.storage.setAlarm(retryAt);
    return failed.length < owed.length;
  }
}
