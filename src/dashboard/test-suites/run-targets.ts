import { hasScope } from "../../access/permissions";
import type { Deps, Principal } from "../../context";
import { listEnvironments } from "../../environments/repository";
import { pipelineOrder, readOverview } from "../../releases/overview";
import { listSandboxesFor } from "../../testing/sandboxes";
import type { TestSuiteView } from "../../testing/test-suites";

/** How many sandboxes the Run form offers: far more than a workspace keeps. */
const SANDBOX_LIMIT = 100;

/** A live release the key may run a suite against. */
export interface ReleaseTarget {
  releaseId: string;
  version: number;
  environment: string;
  tags: string[];
}

/** What the Run form of a suite offers: exactly the targets the key may run it against. */
export interface RunTargets {
  /** The live release of the suite's deployment in each environment where the key holds `execute` (none for a suite without a deployment). */
  releases: ReleaseTarget[];
  /** The environments a sandbox draft may run in: those where the key holds `execute`, in pipeline order. */
  environments: string[];
  /** Sandboxes whose draft the suite may run, the suite's own deployment's first. */
  sandboxes: { id: string; name: string; revision: number; ofSuiteDeployment: boolean }[];
}

export async function readRunTargets(deps: Deps, principal: Principal, suite: TestSuiteView): Promise<RunTargets> {
  const [all, overview, sandboxes] = await Promise.all([
    listEnvironments(deps.db, principal.workspaceId, undefined, 1000),
    readOverview(deps, principal),
    listSandboxesFor(deps, principal, undefined, SANDBOX_LIMIT),
  ]);
  const environments = pipelineOrder(all.filter((env) => hasScope(principal, "execute", env.id))).map((env) => env.name);
  const deployment = overview.deployments.find((d) => d.id === suite.deployment_id);
  const releases: ReleaseTarget[] = [];
  overview.environments.forEach((env, i) => {
    const cell = deployment?.cells[i];
    if (cell && environments.includes(env.name)) releases.push({ releaseId: cell.releaseId, version: cell.version, environment: env.name, tags: cell.tags });
  });
  const drafts = (sandboxes.ok ? sandboxes.value.data : []).map((s) => ({
    id: s.id,
    name: s.name,
    revision: s.revision,
    ofSuiteDeployment: s.deployment_id === suite.deployment_id,
  }));
  drafts.sort((a, b) => Number(b.ofSuiteDeployment) - Number(a.ofSuiteDeployment) || a.name.localeCompare(b.name));
  return { releases, environments, sandboxes: drafts };
}
