import { asc, eq } from "drizzle-orm";
import type { Database } from "../db/client";
import { environments } from "../db/schema";
import type { PromotionRequestRow } from "./promotion-request-repository";
import { type ReleaseRow, tagsOfReleases } from "./release-repository";

/** Environment id → name for a workspace; environments are few. */
export async function environmentNames(db: Database, workspaceId: string): Promise<Map<string, string>> {
  const rows = await db
    .select({ id: environments.id, name: environments.name })
    .from(environments)
    .where(eq(environments.workspaceId, workspaceId))
    .orderBy(asc(environments.name));
  return new Map(rows.map((r) => [r.id, r.name]));
}

function sourceView(row: ReleaseRow) {
  switch (row.sourceType) {
    case "sandbox":
      return { type: "sandbox" as const, sandbox_revision: row.sourceSandboxRevision };
    case "promotion":
      return { type: "promotion" as const, release_id: row.sourceReleaseId, sandbox_revision: row.sourceSandboxRevision };
    case "revert":
      return { type: "revert" as const, release_id: row.sourceReleaseId };
  }
}

export function releaseView(row: ReleaseRow, environmentName: string, tags: string[], options: { withSpec?: boolean } = {}) {
  return {
    id: row.id,
    deployment_id: row.deploymentId,
    environment: environmentName,
    version: row.version,
    tags: [...tags].sort((a, b) => (a === "LATEST" ? -1 : b === "LATEST" ? 1 : a.localeCompare(b))),
    content_hash: row.contentHash,
    source: sourceView(row),
    description: row.description,
    created_at: row.createdAt,
    created_by: row.createdBy,
    ...(options.withSpec ? { spec: row.spec } : {}),
  };
}
export type ReleaseView = ReturnType<typeof releaseView>;

/** Views of several releases, with the tags that name each of them now. */
export async function releaseViews(db: Database, workspaceId: string, rows: ReleaseRow[], options: { withSpec?: boolean } = {}): Promise<ReleaseView[]> {
  const [names, tags] = await Promise.all([
    environmentNames(db, workspaceId),
    tagsOfReleases(
      db,
      workspaceId,
      rows.map((r) => r.id),
    ),
  ]);
  return rows.map((row) =>
    releaseView(
      row,
      names.get(row.environmentId) ?? "",
      tags.filter((t) => t.releaseId === row.id).map((t) => t.name),
      options,
    ),
  );
}

export function promotionRequestView(row: PromotionRequestRow, environmentName: string) {
  return {
    id: row.id,
    deployment_id: row.deploymentId,
    release_id: row.releaseId,
    environment: environmentName,
    status: row.status,
    required_approvals: row.requiredApprovals,
    approvals: row.approvals,
    release_tags: row.releaseTags,
    description: row.description,
    requested_by: row.requestedBy,
    result_release_id: row.resultReleaseId,
    blocked_reason: row.blockedReason,
    created_at: row.createdAt,
    updated_at: row.updatedAt,
    expires_at: row.expiresAt,
  };
}
export type PromotionRequestView = ReturnType<typeof promotionRequestView>;
