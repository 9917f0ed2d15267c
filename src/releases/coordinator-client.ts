import { actorOf } from "../audit/audit-log";
import type { Deps, Principal } from "../context";
import type { Result } from "../lib/result";
import type { RolloutActionCommand, StartRolloutCommand } from "../rollouts/rollout-commands";
import type { CancelScheduleCommand, ScheduleCommand } from "../rollouts/scheduled-releases";
import type { DecideCommand, SettleCommand } from "./approval-commands";
import type { CommandContext, CommandOutcome, DeployCommand, MoveTagCommand, PromoteCommand, RevertCommand } from "./release-commands";

type Outcome = Promise<Result<CommandOutcome>>;

/**
 * The coordinator of one deployment: every change to its releases and tags
 * goes through it. A command that moved pointers answers only once the
 * invoke path's caches have let go of the old ones (see the coordinator).
 * The RPC stub's inferred types wrap results in disposable proxies; these
 * plain signatures say what actually comes back.
 */
/** The context of a command a request makes with its key. */
export function commandContext(deps: Pick<Deps, "requestId" | "config">, principal: Principal, deploymentId: string): CommandContext {
  return { workspaceId: principal.workspaceId, deploymentId, actor: actorOf(principal), requestId: deps.requestId, edgeCacheMs: deps.config.edgeCacheMs };
}

export function coordinatorFor(deps: Pick<Deps, "coordinators">, workspaceId: string, deploymentId: string) {
  const stub = deps.coordinators.get(deps.coordinators.idFromName(`${workspaceId}:${deploymentId}`));
  return {
    deploy: (cmd: DeployCommand) => stub.deploy(cmd) as unknown as Outcome,
    promote: (cmd: PromoteCommand) => stub.promote(cmd) as unknown as Outcome,
    revert: (cmd: RevertCommand) => stub.revert(cmd) as unknown as Outcome,
    moveTag: (cmd: MoveTagCommand) => stub.moveTag(cmd) as unknown as Outcome,
    decide: (cmd: DecideCommand) => stub.decide(cmd) as unknown as Outcome,
    settlePromotion: (cmd: SettleCommand) => stub.settlePromotion(cmd) as unknown as Outcome,
    startRollout: (cmd: StartRolloutCommand) => stub.startRollout(cmd) as unknown as Outcome,
    actOnRollout: (cmd: RolloutActionCommand) => stub.actOnRollout(cmd) as unknown as Outcome,
    schedule: (cmd: ScheduleCommand) => stub.schedule(cmd) as unknown as Outcome,
    cancelSchedule: (cmd: CancelScheduleCommand) => stub.cancelSchedule(cmd) as unknown as Outcome,
  };
}
