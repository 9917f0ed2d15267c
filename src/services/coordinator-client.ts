import type { Deps } from "../context";
import type { Result } from "../lib/result";
import type { DecideCommand, SettleCommand } from "./approval-commands";
import type { CommandOutcome, DeployCommand, MoveTagCommand, PromoteCommand, RevertCommand } from "./release-commands";

type Outcome = Promise<Result<CommandOutcome>>;

/**
 * The coordinator of one deployment: every change to its releases and tags
 * goes through it. The RPC stub's inferred types wrap results in
 * disposable proxies; these plain signatures say what actually comes back.
 *
 * A command that created releases or moved tags has rewritten the pointers
 * the invoke path reads, so it is reported to `edgeChanged` (a request's
 * answer then waits out the isolates' caches; cron and queue work, which
 * answer no one, pass none).
 */
export function coordinatorFor(deps: Pick<Deps, "coordinators"> & Partial<Pick<Deps, "edgeChanged">>, workspaceId: string, deploymentId: string) {
  const stub = deps.coordinators.get(deps.coordinators.idFromName(`${workspaceId}:${deploymentId}`));
  const reported = async (outcome: Outcome): Outcome => {
    const result = await outcome;
    if (result.ok && (result.value.releases.length > 0 || result.value.tags.length > 0)) deps.edgeChanged?.();
    return result;
  };
  return {
    deploy: (cmd: DeployCommand) => reported(stub.deploy(cmd) as unknown as Outcome),
    promote: (cmd: PromoteCommand) => reported(stub.promote(cmd) as unknown as Outcome),
    revert: (cmd: RevertCommand) => reported(stub.revert(cmd) as unknown as Outcome),
    moveTag: (cmd: MoveTagCommand) => reported(stub.moveTag(cmd) as unknown as Outcome),
    decide: (cmd: DecideCommand) => reported(stub.decide(cmd) as unknown as Outcome),
    settlePromotion: (cmd: SettleCommand) => reported(stub.settlePromotion(cmd) as unknown as Outcome),
  };
}
