import { hasScope } from "../../access/permissions";
import type { Deps, Principal } from "../../context";
import type { FreezeWindow, TestGate } from "../../db/schema";
import { type EnvironmentRow, listEnvironments } from "../../environments/repository";
import { pipelineOrder } from "../../releases/overview";
import { activeFreeze, testGateRefusal } from "../../releases/promotion-policy";
import type { ReleaseView } from "../../releases/views";
import { latestCompletedRun, listDeploymentTestSuites } from "../../testing/test-suite-repository";
import { liveReleasesIn, type ReleaseDetails, readReleaseDetails } from "./release";

export interface SuiteEvidence {
  name: string;
  /** The newest completed run of the suite on this very release, if any. */
  run: { id: string; passRate: number | null; passed: number; total: number } | null;
}

export interface PromotionTarget {
  environment: EnvironmentRow;
  /** What the promotion would replace there: the live release, if any. */
  live: ReleaseView | null;
  sameContent: boolean;
  requiredApprovals: number;
  testGate: TestGate | null;
  suites: SuiteEvidence[];
  freeze: FreezeWindow | null;
  /** Why the environment's test gate would refuse this release now (judged when the last approval lands, where approvals are needed). */
  gateRefusal: string | null;
}

export interface PromotePlan {
  details: ReleaseDetails;
  targets: PromotionTarget[];
}

/**
 * The environments this key may promote the release into, each with what a
 * promotion would replace and the policy it meets there. Null when the key
 * may not read the release.
 */
export async function readPromotePlan(deps: Deps, principal: Principal, releaseId: string): Promise<PromotePlan | null> {
  const details = await readReleaseDetails(deps, principal, releaseId);
  if (!details) return null;
  const { release, deployment } = details;
  const all = await listEnvironments(deps.db, principal.workspaceId, undefined, 1000);
  const environments = pipelineOrder(all.filter((e) => e.name !== release.environment && hasScope(principal, "promote", e.id)));
  const [live, suites] = await Promise.all([liveReleasesIn(deps, principal, deployment.id, environments), listDeploymentTestSuites(deps.db, principal.workspaceId, deployment.id)]);
  const evidence = await Promise.all(
    suites.map(async (suite): Promise<SuiteEvidence> => {
      const run = await latestCompletedRun(deps.db, principal.workspaceId, suite.id, release.id);
      return { name: suite.name, run: run ? { id: run.id, passRate: run.passRate, passed: run.passedCases, total: run.totalCases } : null };
    }),
  );
  const now = deps.now();
  const targets = await Promise.all(
    environments.map(async (environment): Promise<PromotionTarget> => {
      const current = live.find((l) => l.environment.id === environment.id)?.release ?? null;
      const gate = await testGateRefusal(deps.db, environment, release.id);
      return {
        environment,
        live: current,
        sameContent: current?.content_hash === release.content_hash,
        requiredApprovals: environment.requiredApprovals,
        testGate: environment.testGate,
        suites: environment.testGate ? evidence : [],
        freeze: activeFreeze(environment, now),
        gateRefusal: gate?.reason ?? null,
      };
    }),
  );
  return { details, targets };
}
