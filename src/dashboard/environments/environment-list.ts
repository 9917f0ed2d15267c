import type { Deps, Principal } from "../../context";
import { type EnvironmentView, listEnvironmentsFor } from "../../environments/environments";
import { listEnvironments } from "../../environments/repository";
import { ok, type Result } from "../../lib/result";
import { pipelineOrder } from "../../releases/overview";

/** Page size when reading every environment; a workspace has a handful. */
const PAGE = 100;

/**
 * Every environment the key may read (the same call as GET /v1/environments,
 * page after page), in pipeline order, as the overview's columns are.
 */
export async function readableEnvironments(deps: Deps, principal: Principal): Promise<Result<EnvironmentView[]>> {
  const views = new Map<string, EnvironmentView>();
  let cursor: string | undefined;
  do {
    const page = await listEnvironmentsFor(deps, principal, cursor, PAGE);
    if (!page.ok) return page;
    for (const view of page.value.data) views.set(view.id, view);
    cursor = page.value.next_cursor ?? undefined;
  } while (cursor);
  const rows = await listEnvironments(deps.db, principal.workspaceId, undefined, 1000);
  return ok(pipelineOrder(rows.filter((row) => views.has(row.id))).flatMap((row) => views.get(row.id) ?? []));
}
