import type { Database } from "../db/client";
import type { FreezeWindow } from "../db/schema";
import type { EnvironmentRow } from "../environments/repository";
import { latestCompletedRun, listDeploymentTestSuites } from "../testing/test-suite-repository";
import { findDeployment } from "./deployment-repository";
import { findRelease } from "./release-repository";

/** Why an environment's policy keeps a change out right now. */
export interface PolicyRefusal {
  code: "CHANGE_FREEZE" | "TEST_GATE_FAILED";
  reason: string;
}

/**
 * Whether releases reach the environment only by promotion: a protected one,
 * and one whose promotions are gated (approvals or a test gate), since a
 * direct deploy would walk around the gate.
 */
export function takesPromotionsOnly(env: Pick<EnvironmentRow, "protected" | "requiredApprovals" | "testGate">): boolean {
  return env.protected || env.requiredApprovals > 0 || env.testGate !== null;
}

/** A refusal of a direct deploy into an environment that takes promotions only. */
export function directDeployRefusal(env: EnvironmentRow): { code: "ENVIRONMENT_PROTECTED"; reason: string } | null {
  if (!takesPromotionsOnly(env)) return null;
  const why = env.protected ? "is protected" : "gates its promotions (approvals or a test gate)";
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
 * Judges the environment's test gate for one release: every test suite of
 * the release's own deployment must have a newest completed run on that
 * exact release reaching the gate's minimum pass rate. Runs on other
 * releases, even with the same content, do not count. A deployment without
 * a suite is refused or let through as the gate's `untested` says.
 */
export async function testGateRefusal(db: Database, env: EnvironmentRow, releaseId: string): Promise<PolicyRefusal | null> {
  const gate = env.testGate;
  if (!gate) return null;
  const release = await findRelease(db, env.workspaceId, releaseId);
  if (!release) return { code: "TEST_GATE_FAILED", reason: `${env.name} gates promotions on test runs, and release ${releaseId} no longer exists` };
  const [deployment, suites] = await Promise.all([findDeployment(db, env.workspaceId, release.deploymentId), listDeploymentTestSuites(db, env.workspaceId, release.deploymentId)]);
  const deploymentName = deployment?.name ?? release.deploymentId;
  if (suites.length === 0) {
    if (gate.untested === "allow") return null;
    return {
      code: "TEST_GATE_FAILED",
      reason: `${env.name} needs every promoted release to pass its deployment's test suites, and the deployment "${deploymentName}" has none: create a test suite with "deployment": "${deploymentName}", or set the environment's test_gate.untested to "allow"`,
    };
  }
  const failures: string[] = [];
  for (const suite of suites) {
    const run = await latestCompletedRun(db, env.workspaceId, suite.id, releaseId);
    if (!run) {
      failures.push(`${env.name} needs a completed run of the test suite "${suite.name}" on release ${releaseId}; there is none`);
      continue;
    }
    const rate = run.passRate ?? 0;
    if (rate < gate.min_pass_rate) {
      failures.push(
        `The test suite "${suite.name}" passed ${run.passedCases} of ${run.totalCases} cases (${percent(rate)}) on release ${releaseId} in run ${run.id}; ${env.name} needs ${percent(gate.min_pass_rate)}`,
      );
    }
  }
  return failures.length ? { code: "TEST_GATE_FAILED", reason: failures.join("; ") } : null;
}

/** Everything an environment's policy checks before a promotion lands: freeze windows first, then the test gate. */
export async function promotionRefusal(db: Database, env: EnvironmentRow, releaseId: string, now: Date): Promise<PolicyRefusal | null> {
  return freezeRefusal(env, now) ?? (await testGateRefusal(db, env, releaseId));
}

function percent(rate: number) {
  return `${Math.round(rate * 1000) / 10}%`;
}
