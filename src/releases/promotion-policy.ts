import type { Database } from "../db/client";
import type { FreezeWindow } from "../db/schema";
import type { EnvironmentRow } from "../environments/repository";
import { findTestSuite, latestCompletedRun } from "../testing/test-suite-repository";

/** Why an environment's policy keeps a change out right now. */
export interface PolicyRefusal {
  code: "CHANGE_FREEZE" | "TEST_GATE_FAILED";
  reason: string;
}

/**
 * Whether releases reach the environment only by promotion: a protected one,
 * and one whose promotions are gated (approvals or a test suite), since a
 * direct deploy would walk around the gate.
 */
export function takesPromotionsOnly(env: Pick<EnvironmentRow, "protected" | "requiredApprovals" | "requiredTestSuiteId">): boolean {
  return env.protected || env.requiredApprovals > 0 || env.requiredTestSuiteId !== null;
}

/** A refusal of a direct deploy into an environment that takes promotions only. */
export function directDeployRefusal(env: EnvironmentRow): { code: "ENVIRONMENT_PROTECTED"; reason: string } | null {
  if (!takesPromotionsOnly(env)) return null;
  const why = env.protected ? "is protected" : "gates its promotions (approvals or a test suite)";
  return { code: "ENVIRONMENT_PROTECTED", reason: `${env.name} ${why}: deploy elsewhere, then promote the tested release into it` };
}

/** The freeze window in force at `now`, if any. */
export function activeFreeze(env: Pick<EnvironmentRow, "freezeWindows">, now: Date): FreezeWindow | null {
  const at = now.getTime();
  return env.freezeWindows.find((w) => Date.parse(w.starts_at) <= at && at < Date.parse(w.ends_at)) ?? null;
}

/** A refusal when a freeze window is in force in the environment. */
export function freezeRefusal(env: Pick<EnvironmentRow, "name" | "freezeWindows">, now: Date): PolicyRefusal | null {
  const window = activeFreeze(env, now);
  if (!window) return null;
  const why = window.reason ? ` (${window.reason})` : "";
  return { code: "CHANGE_FREEZE", reason: `${env.name} is frozen until ${window.ends_at}${why}` };
}

/**
 * Judges the environment's test gate for one release: the newest completed
 * run of the required suite on that exact release must reach the minimum
 * pass rate. Runs on other releases, even with the same content, do not count.
 */
export async function testGateRefusal(db: Database, env: EnvironmentRow, releaseId: string): Promise<PolicyRefusal | null> {
  if (!env.requiredTestSuiteId) return null;
  const suiteName = (await findTestSuite(db, env.workspaceId, env.requiredTestSuiteId))?.name ?? env.requiredTestSuiteId;
  const minimum = env.minPassRate ?? 1;
  const run = await latestCompletedRun(db, env.workspaceId, env.requiredTestSuiteId, releaseId);
  if (!run) {
    return { code: "TEST_GATE_FAILED", reason: `${env.name} needs a completed run of the test suite "${suiteName}" on release ${releaseId}; there is none` };
  }
  const rate = run.passRate ?? 0;
  if (rate >= minimum) return null;
  return {
    code: "TEST_GATE_FAILED",
    reason: `The test suite "${suiteName}" passed ${run.passedCases} of ${run.totalCases} cases (${percent(rate)}) on release ${releaseId} in run ${run.id}; ${env.name} needs ${percent(minimum)}`,
  };
}

/** Everything an environment's policy checks before a promotion lands: freeze windows first, then the test gate. */
export async function promotionRefusal(db: Database, env: EnvironmentRow, releaseId: string, now: Date): Promise<PolicyRefusal | null> {
  return freezeRefusal(env, now) ?? (await testGateRefusal(db, env, releaseId));
}

function percent(rate: number) {
  return `${Math.round(rate * 1000) / 10}%`;
}
