import { authorize, resolveEnvironment } from "../access/permissions";
import type { Deps, Principal } from "../context";
import { decodeCursor, toPage } from "../lib/pagination";
import { fail, ok, type Result } from "../lib/result";
import type { Spec } from "../specs/validate-spec";
import { compareSpecs } from "./compare-specs";
import { findDeploymentByIdOrName } from "./deployment-repository";
import { findRelease, listReleases, type ReleaseRow } from "./release-repository";
import { type ReleaseView, releaseViews } from "./views";

/** A release the principal may read; anything else is not found. */
export async function findReadableRelease(deps: Pick<Deps, "db">, principal: Principal, id: string): Promise<Result<ReleaseRow>> {
  return authorize(principal, await findRelease(deps.db, principal.workspaceId, id), "read", `No release with id "${id}"`);
}

export async function getRelease(deps: Deps, principal: Principal, id: string): Promise<Result<ReleaseView>> {
  const row = await findReadableRelease(deps, principal, id);
  if (!row.ok) return row;
  const [view] = await releaseViews(deps.db, principal.workspaceId, [row.value], { withSpec: true });
  return ok(view!);
}

/** One environment's history of a deployment, newest first. */
export async function deploymentHistory(
  deps: Deps,
  principal: Principal,
  deploymentIdOrName: string,
  query: { environment?: string | undefined; cursor?: string | undefined; limit: number },
) {
  const list = { name: "releases", filters: { deployment: deploymentIdOrName, environment: query.environment } };
  const before = decodeCursor<number>(query.cursor, "number", list);
  if (!before.ok) return before;
  const env = await resolveEnvironment(deps, principal, query.environment, "read");
  if (!env.ok) return env;
  const deployment = await findDeploymentByIdOrName(deps.db, principal.workspaceId, deploymentIdOrName);
  if (!deployment) return fail("NOT_FOUND", `No deployment "${deploymentIdOrName}"`);
  const rows = await listReleases(deps.db, principal.workspaceId, deployment.id, env.value.id, before.value, query.limit + 1);
  const page = toPage(
    rows,
    query.limit,
    (r) => r.version,
    (r) => r,
    list,
  );
  return ok({ data: await releaseViews(deps.db, principal.workspaceId, page.data), next_cursor: page.next_cursor });
}

export async function compareReleases(deps: Deps, principal: Principal, fromId: string, toId: string) {
  const from = await findReadableRelease(deps, principal, fromId);
  if (!from.ok) return from;
  const to = await findReadableRelease(deps, principal, toId);
  if (!to.ok) return fail(to.error.code, to.error.detail, [{ path: "query.to", message: "Unknown release" }]);
  const [fromView, toView] = await releaseViews(deps.db, principal.workspaceId, [from.value, to.value]);
  const kindOf = async (row: ReleaseRow) => (await findDeploymentByIdOrName(deps.db, principal.workspaceId, row.deploymentId))!.kind;
  const specOf = async (row: ReleaseRow) => ({ kind: await kindOf(row), spec: row.spec }) as Spec;
  const comparison = compareSpecs(await specOf(from.value), await specOf(to.value), {
    from: `${fromView!.environment} v${fromView!.version} (${from.value.id})`,
    to: `${toView!.environment} v${toView!.version} (${to.value.id})`,
  });
  return ok({ from: fromView!, to: toView!, identical: from.value.contentHash === to.value.contentHash, ...comparison });
}
