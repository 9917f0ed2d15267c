import { sql } from "drizzle-orm";
import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

/**
 * The D1 system of record. Every table but `workspaces` carries `workspace_id`,
 * and every query filters by it. Times are ISO-8601 UTC strings, which sort
 * lexically in time order.
 */

export const workspaces = sqliteTable("workspaces", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  createdAt: text("created_at").notNull(),
});

export const environments = sqliteTable(
  "environments",
  {
    id: text("id").primaryKey(),
    workspaceId: text("workspace_id").notNull().references(() => workspaces.id),
    name: text("name").notNull(),
    label: text("label").notNull(),
    description: text("description").notNull().default(""),
    protected: integer("protected", { mode: "boolean" }).notNull().default(false),
    requiredApprovals: integer("required_approvals").notNull().default(0),
    variables: text("variables", { mode: "json" }).$type<Record<string, string>>().notNull().default(sql`'{}'`),
    createdAt: text("created_at").notNull(),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [uniqueIndex("environments_workspace_name").on(t.workspaceId, t.name)],
);

export const apiKeys = sqliteTable(
  "api_keys",
  {
    id: text("id").primaryKey(),
    workspaceId: text("workspace_id").notNull().references(() => workspaces.id),
    /** null for a workspace key, which acts in every environment. */
    environmentId: text("environment_id").references(() => environments.id),
    name: text("name").notNull(),
    scopes: text("scopes", { mode: "json" }).$type<string[]>().notNull(),
    keyHash: text("key_hash").notNull(),
    displayPrefix: text("display_prefix").notNull(),
    expiresAt: text("expires_at"),
    lastUsedAt: text("last_used_at"),
    revokedAt: text("revoked_at"),
    /** Set on the old key when it is rotated; points at its replacement. */
    replacedById: text("replaced_by_id"),
    createdAt: text("created_at").notNull(),
    createdBy: text("created_by").notNull(),
  },
  (t) => [
    uniqueIndex("api_keys_key_hash").on(t.keyHash),
    index("api_keys_workspace_environment").on(t.workspaceId, t.environmentId),
  ],
);

export const deployments = sqliteTable(
  "deployments",
  {
    id: text("id").primaryKey(),
    workspaceId: text("workspace_id").notNull().references(() => workspaces.id),
    name: text("name").notNull(),
    kind: text("kind", { enum: ["prompt", "workflow"] }).notNull(),
    createdAt: text("created_at").notNull(),
  },
  (t) => [uniqueIndex("deployments_workspace_name").on(t.workspaceId, t.name)],
);

export const releases = sqliteTable(
  "releases",
  {
    id: text("id").primaryKey(),
    workspaceId: text("workspace_id").notNull().references(() => workspaces.id),
    deploymentId: text("deployment_id").notNull().references(() => deployments.id),
    environmentId: text("environment_id").notNull().references(() => environments.id),
    version: integer("version").notNull(),
    contentHash: text("content_hash").notNull(),
    createdAt: text("created_at").notNull(),
  },
  (t) => [
    uniqueIndex("releases_deployment_environment_version").on(t.deploymentId, t.environmentId, t.version),
    index("releases_workspace_environment").on(t.workspaceId, t.environmentId),
  ],
);

export const auditEvents = sqliteTable(
  "audit_events",
  {
    id: text("id").primaryKey(),
    workspaceId: text("workspace_id").notNull().references(() => workspaces.id),
    /** Position in the workspace's chain, 1-based; the unique index makes concurrent appends collide instead of forking the chain. */
    seq: integer("seq").notNull(),
    occurredAt: text("occurred_at").notNull(),
    actorType: text("actor_type", { enum: ["api_key", "bootstrap", "system"] }).notNull(),
    actorId: text("actor_id"),
    action: text("action").notNull(),
    targetType: text("target_type").notNull(),
    targetId: text("target_id").notNull(),
    environmentId: text("environment_id"),
    before: text("before", { mode: "json" }),
    after: text("after", { mode: "json" }),
    requestId: text("request_id"),
    prevHash: text("prev_hash").notNull(),
    hash: text("hash").notNull(),
  },
  (t) => [
    uniqueIndex("audit_events_workspace_seq").on(t.workspaceId, t.seq),
    index("audit_events_workspace_environment").on(t.workspaceId, t.environmentId, t.seq),
  ],
);
