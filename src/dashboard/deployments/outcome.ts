import type { Deps, Principal } from "../../context";
import { getPromotionRequest } from "../../releases/promotion-requests";
import { getRelease } from "../../releases/read-releases";

/**
 * Fixed messages for the refusals a promote or revert can meet, by problem
 * code: the query names a code, never the text shown.
 */
export const REFUSALS: Record<string, string> = {
  CHANGE_FREEZE: "A change-freeze window is in force in a target environment.",
  TEST_GATE_FAILED: "The release has not passed its deployment's test suites as a target environment requires.",
  PROMOTION_ALREADY_REQUESTED: "This release already waits for approval to enter a target environment.",
  PRECONDITION_FAILED: "The live release changed since the confirmation page was opened; look again before reverting.",
  NO_PREVIOUS_RELEASE: "There is no earlier release to revert to.",
  RELEASE_ALREADY_LIVE: "That release is already the live one.",
  ROLLOUT_IN_PROGRESS: "A rollout is running in that environment; complete or abort it first.",
  ROLLOUT_ENDED: "That rollout has already ended.",
  ROLLOUT_PAUSED: "That rollout is already paused.",
  ROLLOUT_RUNNING: "That rollout is not paused, so there is nothing to resume.",
  NO_STABLE_RELEASE: "Nothing is live in that environment yet to measure a candidate against: promote a first release instead.",
  INSUFFICIENT_SCOPE: "This key may not do that in that environment.",
  VALIDATION_FAILED: "The request was not valid.",
  CONCURRENT_MODIFICATION: "Someone changed this deployment at the same time; try again.",
  OTHER: "The change could not be made.",
};

export const refusalCode = (code: string) => (code in REFUSALS ? code : "OTHER");

/** Fixed messages after a rollout was started or acted on, by the code the redirect carries. */
export const ROLLOUT_DONE = {
  started: "The rollout started: its panel below shows where it stands.",
  paused: "The rollout is paused: the split holds its share and the guard stops advancing it.",
  resumed: "The rollout resumed: its current step starts over from now.",
  advanced: "The rollout moved on to its next step.",
  aborted: "The rollout was aborted: the stable release serves all traffic again.",
  completed: "The rollout completed: the candidate serves all traffic.",
} as const;

export type RolloutDone = keyof typeof ROLLOUT_DONE;

/** One line of what a promote or revert did, read back from storage, never from the query's text. */
export type OutcomeLine =
  | { kind: "released"; environment: string; version: number; releaseId: string }
  | { kind: "reverted"; environment: string; version: number; releaseId: string; restoredId: string | null }
  | { kind: "requested"; environment: string; approvals: number; required: number }
  | { kind: "rollout"; code: RolloutDone }
  | { kind: "refused"; code: string };

/** The query a redirect after a promote or revert carries: ids of what it made, or the code that refused it. */
export interface OutcomeQuery {
  released: string[];
  requested: string[];
  reverted: string[];
  rollout: string | undefined;
  refused: string | undefined;
}

/**
 * What to say at the top of the deployment page: each id in the query is
 * read through the domain's visibility rule, so a made-up or foreign id shows nothing.
 */
export async function readOutcome(deps: Deps, principal: Principal, query: OutcomeQuery): Promise<OutcomeLine[]> {
  const ids = (values: string[]) => values.slice(0, 20);
  const [released, reverted, requested] = await Promise.all([
    Promise.all(ids(query.released).map((id) => getRelease(deps, principal, id))),
    Promise.all(ids(query.reverted).map((id) => getRelease(deps, principal, id))),
    Promise.all(ids(query.requested).map((id) => getPromotionRequest(deps, principal, id))),
  ]);
  const lines: OutcomeLine[] = [];
  for (const r of released) if (r.ok) lines.push({ kind: "released", environment: r.value.environment, version: r.value.version, releaseId: r.value.id });
  for (const r of reverted) {
    if (r.ok) lines.push({ kind: "reverted", environment: r.value.environment, version: r.value.version, releaseId: r.value.id, restoredId: r.value.source.release_id ?? null });
  }
  for (const p of requested)
    if (p.ok) lines.push({ kind: "requested", environment: p.value.environment, approvals: p.value.approvals.length, required: p.value.required_approvals });
  if (query.rollout !== undefined && query.rollout in ROLLOUT_DONE) lines.push({ kind: "rollout", code: query.rollout as RolloutDone });
  if (query.refused !== undefined) lines.push({ kind: "refused", code: refusalCode(query.refused) });
  return lines;
}
