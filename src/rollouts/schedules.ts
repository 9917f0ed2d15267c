import { resolveEnvironment } from "../access/permissions";
import type { Deps, Principal } from "../context";
import { findEnvironmentById } from "../environments/repository";
import { decodeCursor, toPage } from "../lib/pagination";
import { fail, ok, type Result } from "../lib/result";
import { commandContext, coordinatorFor } from "../releases/coordinator-client";
import { findDeploymentByIdOrName } from "../releases/deployment-repository";
import { environmentNames } from "../releases/views";
import { readableEnvironmentIds } from "./readable-environments";
import { findScheduledRelease, listScheduledReleases, type ScheduledReleaseRow } from "./scheduled-release-repository";
import { type ScheduledReleaseView, scheduledReleaseView } from "./views";

/** A scheduled release the key may see (`scope` in its target environment), or NOT_FOUND. */
async function findVisible(
  deps: Pick<Deps, "db">,
  principal: Principal,
  id: string,
  scope: "read" | "promote",
): Promise<Result<{ row: ScheduledReleaseRow; environment: { id: string; name: string } }>> {
  const row = await findScheduledRelease(deps.db, principal.workspaceId, id);
  const env = row && (await findEnvironmentById(deps.db, principal.workspaceId, row.environmentId));
  if (!row || !env) return fail("NOT_FOUND", `No scheduled release "${id}"`);
  const allowed = await resolveEnvironment(deps, principal, env.name, scope);
  if (!allowed.ok) return allowed.error.code === "NOT_FOUND" ? fail("NOT_FOUND", `No scheduled release "${id}"`) : allowed;
  return ok({ row, environment: { id: env.id, name: env.name } });
}

export async function getScheduledRelease(deps: Deps, principal: Principal, id: string): Promise<Result<ScheduledReleaseView>> {
  const found = await findVisible(deps, principal, id, "read");
  return found.ok ? ok(scheduledReleaseView(found.value.row, found.value.environment.name)) : found;
}

/** Cancels a scheduled release that has not fired: needs `promote` in its target environment. */
export async function cancelScheduledRelease(deps: Deps, principal: Principal, id: string): Promise<Result<ScheduledReleaseView>> {
  const found = await findVisible(deps, principal, id, "promote");
  if (!found.ok) return found;
  const outcome = await coordinatorFor(deps, principal.workspaceId, found.value.row.deploymentId).cancelSchedule({
    context: commandContext(deps, principal, found.value.row.deploymentId),
    scheduledReleaseId: id,
  });
  if (!outcome.ok) return outcome;
  return ok(scheduledReleaseView(outcome.value.scheduledReleases![0]!, found.value.environment.name));
}

export interface ScheduledReleaseQuery {
  environment?: string | undefined;
  deployment?: string | undefined;
  status?: ScheduledReleaseRow["status"] | undefined;
  cursor?: string | undefined;
  limit: number;
}

/** Scheduled releases into the environments the key may read (or the one named), newest first. */
export async function listScheduled(deps: Deps, principal: Principal, query: ScheduledReleaseQuery): Promise<Result<{ data: ScheduledReleaseView[]; next_cursor: string | null }>> {
  const readable = await readableEnvironmentIds(deps, principal, query.environment);
  if (!readable.ok) return readable;
  const environmentIds = readable.value;
  let deploymentId: string | undefined;
  if (query.deployment !== undefined) {
    const deployment = await findDeploymentByIdOrName(deps.db, principal.workspaceId, query.deployment);
    if (!deployment) return fail("NOT_FOUND", `No deployment "${query.deployment}"`, [{ path: "query.deployment", message: "Unknown deployment" }]);
    deploymentId = deployment.id;
  }
  const list = { name: "scheduled-releases", filters: { environment: query.environment, deployment: deploymentId, status: query.status } };
  const before = decodeCursor<string>(query.cursor, "string", list);
  if (!before.ok) return before;
  const [rows, names] = await Promise.all([
    listScheduledReleases(deps.db, { workspaceId: principal.workspaceId, environmentIds, deploymentId, status: query.status, beforeId: before.value, limit: query.limit + 1 }),
    environmentNames(deps.db, principal.workspaceId),
  ]);
  return ok(
    toPage(
      rows,
      query.limit,
      (r) => r.id,
      (r) => scheduledReleaseView(r, names.get(r.environmentId) ?? ""),
      list,
    ),
  );
}
