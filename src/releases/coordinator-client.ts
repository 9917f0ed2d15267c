import { actorOf } from "../audit/audit-log";
import type { Deps, Principal } from "../context";
import type { Result } from "../lib/result";
import type { RolloutActionCommand, StartRolloutCommand } from "../rollouts/rollout-commands";
import type { CancelScheduleCommand, ScheduleCommand } from "../rollouts/scheduled-releases";
import type { DecideCommand, SettleCommand } from "./approval-commands";
import type { CommandContext, CommandOutcome, DeployCommand, MoveTagCommand, PromoteCommand, RevertCommand } from "./release-commands";

type Outcome = Promise<Result<CommandOutcome>>;

/** The context of a command a request makes with its key. */
export function commandContext(deps: Pick<Deps, "requestId" | "config">, principal: Principal, deploymentId: string): CommandContext {
  return { workspaceId: principal.workspaceId, deploymentId, actor: actorOf(principal), requestId: deps.requestId, edgeCacheMs: deps.config.edgeCacheMs };
}

/**
 * The coordinator of one deployment: every change to its releases and tags
 * goes through it. A command that rewrote what the invoke path reads counts
 * as this request's edge change (`edgeChanged`), so the request answers only
 * once the isolates of its location will serve the change (see
 * edge/change-mark.ts); a caller without `edgeChanged` (the scheduled job)
 * has nobody waiting on it. The RPC stub's inferred types wrap results in
 * disposable proxies; these plain signatures say what actually comes back.
 */
export function coordinatorFor(deps: Pick<Deps, "coordinators"> & Partial<Pick<Deps, "edgeChanged">>, workspaceId: string, deploymentId: string) {
  const stub = deps.coordinators.get(deps.coordinators.idFromName(`${workspaceId}:${deploymentId}`));
  const noted = async (outcome: Outcome): Outcome => {
    const result = await outcome;
    if (result.ok && result.value.movedEdge) deps.edgeChanged?.();
    return result;
  };
  return {
    deploy: (cmd: DeployCommand) => noted(stub.deploy(cmd) as unknown as Outcome),
    promote: (cmd: PromoteCommand) => noted(stub.promote(cmd) as unknown as Outcome),
    revert: (cmd: RevertCommand) => noted(stub.revert(cmd) as unknown as Outcome),
    moveTag: (cmd: MoveTagCommand) => noted(stub.moveTag(cmd) as unknown as Outcome),
    decide: (cmd: DecideCommand) => noted(stub.decide(cmd) as unknown as Outcome),
    settlePromotion: (cmd: SettleCommand) => noted(stub.settlePromotion(cmd) as unknown as Outcome),
    startRollout: (cmd: StartRolloutCommand) => noted(stub.startRollout(cmd) as unknown as Outcome),
    actOnRollout: (cmd: RolloutActionCommand) => noted(stub.actOnRollout(cmd) as unknown as Outcome),
    schedule: (cmd: ScheduleCommand) => noted(stub.schedule(cmd) as unknown as Outcome),
    cancelSchedule: (cmd: CancelScheduleCommand) => noted(stub.cancelSchedule(cmd) as unknown as Outcome),
  };
}
