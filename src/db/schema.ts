import { sql } from "drizzle-orm";
import { index, integer, primaryKey, real, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

/** A named set of inputs to try a sandbox with. */
export interface Scenario {
  name: string;
  inputs: Record<string, unknown>;
  expected?: unknown;
}

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
    workspaceId: text("workspace_id")
      .notNull()
      .references(() => workspaces.id),
    name: text("name").notNull(),
    label: text("label").notNull(),
    description: text("description").notNull().default(""),
    protected: integer("protected", { mode: "boolean" }).notNull().default(false),
    requiredApprovals: integer("required_approvals").notNull().default(0),
    variables: text("variables", { mode: "json" }).$type<Record<string, string>>().notNull().default(sql`'{}'`),
    /** Per-model prices that override the built-in table, in USD per million tokens. */
    modelPrices: text("model_prices", { mode: "json" }).$type<Record<string, ModelPrice>>().notNull().default(sql`'{}'`),
    /** Executions and their metrics older than this many days are deleted by the scheduled job; null keeps them. */
    retentionDays: integer("retention_days").default(90),
    /** Promotion gate: each promoted release must pass its own deployment's test suites; null: no gate. */
    testGate: text("test_gate", { mode: "json" }).$type<TestGate>(),
    /** Change-freeze windows: no deploy or promotion lands in this environment between `starts_at` and `ends_at`. */
    freezeWindows: text("freeze_windows", { mode: "json" }).$type<FreezeWindow[]>().notNull().default(sql`'[]'`),
    /** Invocations a minute the whole environment may serve; null: no limit (see limits/). */
    rateLimitPerMinute: integer("rate_limit_per_minute"),
    /** Invocations a minute each key may make in this environment; null: no limit. */
    keyRateLimitPerMinute: integer("key_rate_limit_per_minute"),
    /** Spend per UTC day, in USD, past which invocations are refused until the next day; null: no budget. */
    dailyBudgetUsd: real("daily_budget_usd"),
    /** Hosts and `*.example.com` patterns that configured outbound URLs may call; empty: any public host (src/egress/). */
    egressAllowlist: text("egress_allowlist", { mode: "json" }).$type<string[]>().notNull().default(sql`'[]'`),
    createdAt: text("created_at").notNull(),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [uniqueIndex("environments_workspace_name").on(t.workspaceId, t.name)],
);

/**
 * An environment's test gate: a promoted release must pass, at `min_pass_rate`,
 * the newest completed run on it of every test suite of its deployment; a
 * deployment without a suite is refused or let through as `untested` says.
 */
export interface TestGate {
  min_pass_rate: number;
  untested: "refuse" | "allow";
}

export interface FreezeWindow {
  starts_at: string;
  ends_at: string;
  reason: string;
}

export interface ModelPrice {
  input_per_million: number;
  output_per_million: number;
}

export const environmentSecrets = sqliteTable(
  "environment_secrets",
  {
    workspaceId: text("workspace_id")
      .notNull()
      .references(() => workspaces.id),
    environmentId: text("environment_id")
      .notNull()
      .references(() => environments.id),
    name: text("name").notNull(),
    /** AES-GCM under the MASTER_KEY secret: base64 of IV followed by ciphertext. Never returned. */
    ciphertext: text("ciphertext").notNull(),
    /** Hosts and `*.example.com` patterns the secret may be sent to; empty: any host. */
    allowedHosts: text("allowed_hosts", { mode: "json" }).$type<string[]>().notNull().default(sql`'[]'`),
    createdAt: text("created_at").notNull(),
    updatedAt: text("updated_at").notNull(),
    updatedBy: text("updated_by").notNull(),
  },
  (t) => [primaryKey({ columns: [t.environmentId, t.name] })],
);

/**
 * The CI run a key was issued to by an OIDC token exchange: claims of the
 * provider's token, copied when the key was issued. Holds no secret.
 */
export interface KeyIdentity {
  issuer: string;
  subject: string;
  repository: string | null;
  ref: string | null;
  workflow_ref: string | null;
  event_name: string | null;
  run_id: string | null;
  jti: string;
  policy_id: string;
}

export const apiKeys = sqliteTable(
  "api_keys",
  {
    id: text("id").primaryKey(),
    workspaceId: text("workspace_id")
      .notNull()
      .references(() => workspaces.id),
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
    /** For a key issued by an OIDC token exchange: who the CI run was (issuer, repository, ref, workflow, run, jti). */
    identity: text("identity", { mode: "json" }).$type<KeyIdentity>(),
  },
  (t) => [uniqueIndex("api_keys_key_hash").on(t.keyHash), index("api_keys_workspace_environment").on(t.workspaceId, t.environmentId)],
);

export const sandboxes = sqliteTable(
  "sandboxes",
  {
    id: text("id").primaryKey(),
    workspaceId: text("workspace_id")
      .notNull()
      .references(() => workspaces.id),
    name: text("name").notNull(),
    kind: text("kind", { enum: ["prompt", "workflow"] }).notNull(),
    /** The latest revision; every save adds one to `sandbox_revisions`. */
    revision: integer("revision").notNull(),
    spec: text("spec", { mode: "json" }).notNull(),
    scenarios: text("scenarios", { mode: "json" }).$type<Scenario[]>().notNull(),
    /** Reserved when the sandbox is created, so its deployment's coordinator has a name before the first deploy. */
    deploymentId: text("deployment_id").notNull(),
    createdAt: text("created_at").notNull(),
    createdBy: text("created_by").notNull(),
    updatedAt: text("updated_at").notNull(),
    updatedBy: text("updated_by").notNull(),
  },
  (t) => [uniqueIndex("sandboxes_workspace_name").on(t.workspaceId, t.name), uniqueIndex("sandboxes_deployment").on(t.deploymentId)],
);

export const sandboxRevisions = sqliteTable(
  "sandbox_revisions",
  {
    workspaceId: text("workspace_id")
      .notNull()
      .references(() => workspaces.id),
    sandboxId: text("sandbox_id")
      .notNull()
      .references(() => sandboxes.id),
    revision: integer("revision").notNull(),
    name: text("name").notNull(),
    spec: text("spec", { mode: "json" }).notNull(),
    scenarios: text("scenarios", { mode: "json" }).$type<Scenario[]>().notNull(),
    contentHash: text("content_hash").notNull(),
    createdAt: text("created_at").notNull(),
    createdBy: text("created_by").notNull(),
  },
  (t) => [primaryKey({ columns: [t.sandboxId, t.revision] })],
);

export const deployments = sqliteTable(
  "deployments",
  {
    id: text("id").primaryKey(),
    workspaceId: text("workspace_id")
      .notNull()
      .references(() => workspaces.id),
    name: text("name").notNull(),
    kind: text("kind", { enum: ["prompt", "workflow"] }).notNull(),
    sandboxId: text("sandbox_id").notNull(),
    createdAt: text("created_at").notNull(),
    createdBy: text("created_by").notNull(),
  },
  (t) => [uniqueIndex("deployments_workspace_name").on(t.workspaceId, t.name), uniqueIndex("deployments_sandbox").on(t.sandboxId)],
);

export const releases = sqliteTable(
  "releases",
  {
    id: text("id").primaryKey(),
    workspaceId: text("workspace_id")
      .notNull()
      .references(() => workspaces.id),
    deploymentId: text("deployment_id")
      .notNull()
      .references(() => deployments.id),
    environmentId: text("environment_id")
      .notNull()
      .references(() => environments.id),
    /** 1, 2, 3… per (deployment, environment); the unique index refuses a duplicate. */
    version: integer("version").notNull(),
    spec: text("spec", { mode: "json" }).notNull(),
    contentHash: text("content_hash").notNull(),
    sourceType: text("source_type", { enum: ["sandbox", "promotion", "revert"] }).notNull(),
    sourceSandboxRevision: integer("source_sandbox_revision"),
    /** The origin release of a promotion, or the target of a revert. */
    sourceReleaseId: text("source_release_id"),
    description: text("description").notNull(),
    createdAt: text("created_at").notNull(),
    createdBy: text("created_by").notNull(),
  },
  (t) => [
    uniqueIndex("releases_deployment_environment_version").on(t.deploymentId, t.environmentId, t.version),
    index("releases_workspace_environment").on(t.workspaceId, t.environmentId),
  ],
);

export const releaseTags = sqliteTable(
  "release_tags",
  {
    workspaceId: text("workspace_id")
      .notNull()
      .references(() => workspaces.id),
    deploymentId: text("deployment_id")
      .notNull()
      .references(() => deployments.id),
    environmentId: text("environment_id")
      .notNull()
      .references(() => environments.id),
    name: text("name").notNull(),
    releaseId: text("release_id")
      .notNull()
      .references(() => releases.id),
    /** `system`: LATEST, moved only by Stagecraft; `semver`: write-once; `floating`: moved by users. */
    kind: text("kind", { enum: ["system", "semver", "floating"] }).notNull(),
    updatedAt: text("updated_at").notNull(),
    updatedBy: text("updated_by").notNull(),
  },
  (t) => [primaryKey({ columns: [t.deploymentId, t.environmentId, t.name] }), index("release_tags_release").on(t.releaseId)],
);

export const promotionRequests = sqliteTable(
  "promotion_requests",
  {
    id: text("id").primaryKey(),
    workspaceId: text("workspace_id")
      .notNull()
      .references(() => workspaces.id),
    deploymentId: text("deployment_id")
      .notNull()
      .references(() => deployments.id),
    /** The release to promote, in its source environment. */
    releaseId: text("release_id")
      .notNull()
      .references(() => releases.id),
    environmentId: text("environment_id")
      .notNull()
      .references(() => environments.id),
    status: text("status", { enum: ["pending", "approved", "rejected", "expired", "executed"] }).notNull(),
    requiredApprovals: integer("required_approvals").notNull(),
    approvals: text("approvals", { mode: "json" }).$type<{ approver: string; comment: string; at: string }[]>().notNull(),
    releaseTags: text("release_tags", { mode: "json" }).$type<string[]>().notNull(),
    description: text("description").notNull(),
    requestedBy: text("requested_by").notNull(),
    resultReleaseId: text("result_release_id"),
    /** Why an approved request has not released yet (a failing test gate, a freeze window). */
    blockedReason: text("blocked_reason"),
    /** When the request is for a rollout rather than a promotion: the rollout to start once approved. */
    rolloutPlan: text("rollout_plan", { mode: "json" }).$type<RolloutPlan>(),
    createdAt: text("created_at").notNull(),
    updatedAt: text("updated_at").notNull(),
    expiresAt: text("expires_at").notNull(),
  },
  (t) => [index("promotion_requests_workspace_environment").on(t.workspaceId, t.environmentId, t.status)],
);

export const idempotencyRecords = sqliteTable(
  "idempotency_records",
  {
    workspaceId: text("workspace_id")
      .notNull()
      .references(() => workspaces.id),
    idempotencyKey: text("idempotency_key").notNull(),
    /** SHA-256 of method, path and body: the same key with another request is refused. */
    fingerprint: text("fingerprint").notNull(),
    /** null while the first request is still running. */
    status: integer("status"),
    body: text("body"),
    createdAt: text("created_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.idempotencyKey] })],
);

export const auditEvents = sqliteTable(
  "audit_events",
  {
    id: text("id").primaryKey(),
    workspaceId: text("workspace_id")
      .notNull()
      .references(() => workspaces.id),
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
    /** The CI identity of an actor key issued by an OIDC exchange; null otherwise. Hashed only when present, so older events verify as before. */
    actorIdentity: text("actor_identity", { mode: "json" }).$type<KeyIdentity>(),
    prevHash: text("prev_hash").notNull(),
    hash: text("hash").notNull(),
  },
  (t) => [uniqueIndex("audit_events_workspace_seq").on(t.workspaceId, t.seq), index("audit_events_workspace_environment").on(t.workspaceId, t.environmentId, t.seq)],
);

export const executions = sqliteTable(
  "executions",
  {
    id: text("id").primaryKey(),
    workspaceId: text("workspace_id")
      .notNull()
      .references(() => workspaces.id),
    environmentId: text("environment_id").notNull(),
    deploymentId: text("deployment_id"),
    releaseId: text("release_id"),
    releaseTag: text("release_tag"),
    kind: text("kind", { enum: ["prompt", "workflow"] }).notNull(),
    status: text("status", { enum: ["FULFILLED", "REJECTED"] }).notNull(),
    errorCode: text("error_code"),
    errorMessage: text("error_message"),
    modelProvider: text("model_provider"),
    modelName: text("model_name"),
    inputTokens: integer("input_tokens"),
    outputTokens: integer("output_tokens"),
    costUsd: real("cost_usd"),
    latencyMs: real("latency_ms").notNull(),
    externalId: text("external_id"),
    metadata: text("metadata", { mode: "json" }).$type<Record<string, unknown>>(),
    inputs: text("inputs", { mode: "json" }),
    outputs: text("outputs", { mode: "json" }),
    /** Per-node timings of a workflow execution. */
    nodes: text("nodes", { mode: "json" }),
    qualityScore: real("quality_score"),
    actualText: text("actual_text"),
    actualMetadata: text("actual_metadata", { mode: "json" }),
    actualAt: text("actual_at"),
    /** Milliseconds since the epoch, for range filters and rollups. */
    startedAt: integer("started_at").notNull(),
    createdAt: text("created_at").notNull(),
    /** The rollout whose split chose the release, its arm and the step it was in; null outside a rollout. */
    rolloutId: text("rollout_id"),
    rolloutArm: text("rollout_arm", { enum: ["stable", "candidate"] }),
    rolloutStep: integer("rollout_step"),
    /** Provider calls the execution made in all, retries and fallbacks included; null for workflows and records older than migration 0011. */
    attempts: integer("attempts"),
    /** Null when the prompt's own model answered (`model_*` above always name the model that answered, or was tried last); otherwise its position in `fallback_models`. */
    fallbackIndex: integer("fallback_index"),
    /** The release pointer or key entry was served from the isolate's last known value because KV failed. */
    edgeStale: integer("edge_stale", { mode: "boolean" }).notNull().default(false),
  },
  (t) => [
    // The guard reads a step's arms, and a rollout's latency percentiles by rank, through this one index.
    index("executions_rollout_arm").on(t.rolloutId, t.rolloutArm, t.rolloutStep, t.latencyMs),
    index("executions_environment_time").on(t.workspaceId, t.environmentId, t.startedAt),
    index("executions_deployment_time").on(t.workspaceId, t.environmentId, t.deploymentId, t.startedAt),
    index("executions_external_id").on(t.workspaceId, t.environmentId, t.externalId),
  ],
);

export const documentIndexes = sqliteTable(
  "document_indexes",
  {
    id: text("id").primaryKey(),
    workspaceId: text("workspace_id")
      .notNull()
      .references(() => workspaces.id),
    environmentId: text("environment_id")
      .notNull()
      .references(() => environments.id),
    name: text("name").notNull(),
    createdAt: text("created_at").notNull(),
    createdBy: text("created_by").notNull(),
  },
  (t) => [uniqueIndex("document_indexes_environment_name").on(t.workspaceId, t.environmentId, t.name)],
);

export const documents = sqliteTable(
  "documents",
  {
    id: text("id").primaryKey(),
    workspaceId: text("workspace_id")
      .notNull()
      .references(() => workspaces.id),
    environmentId: text("environment_id")
      .notNull()
      .references(() => environments.id),
    indexId: text("index_id")
      .notNull()
      .references(() => documentIndexes.id),
    externalId: text("external_id"),
    title: text("title").notNull(),
    text: text("text").notNull(),
    metadata: text("metadata", { mode: "json" }).$type<Record<string, unknown>>().notNull(),
    createdAt: text("created_at").notNull(),
  },
  (t) => [uniqueIndex("documents_index_external_id").on(t.indexId, t.externalId), index("documents_index").on(t.indexId)],
);

/** Documents cut into passages; each is also a row of the FTS5 table `document_chunks_fts` (see the migration). */
export const documentChunks = sqliteTable(
  "document_chunks",
  {
    id: text("id").primaryKey(),
    workspaceId: text("workspace_id")
      .notNull()
      .references(() => workspaces.id),
    indexId: text("index_id")
      .notNull()
      .references(() => documentIndexes.id),
    documentId: text("document_id")
      .notNull()
      .references(() => documents.id),
    position: integer("position").notNull(),
    text: text("text").notNull(),
  },
  (t) => [index("document_chunks_document").on(t.documentId)],
);

/**
 * Hourly rollups of executions per (environment, deployment, release), kept
 * by triggers on `executions` (see the migration) so metrics never scan raw
 * history. `deployment_id`/`release_id` are '' where an execution had none.
 */
export const executionRollups = sqliteTable(
  "execution_rollups",
  {
    workspaceId: text("workspace_id").notNull(),
    environmentId: text("environment_id").notNull(),
    deploymentId: text("deployment_id").notNull(),
    releaseId: text("release_id").notNull(),
    /** Start of the hour, milliseconds since the epoch. */
    bucketStart: integer("bucket_start").notNull(),
    executions: integer("executions").notNull().default(0),
    errors: integer("errors").notNull().default(0),
    latencyMsSum: real("latency_ms_sum").notNull().default(0),
    inputTokens: integer("input_tokens").notNull().default(0),
    outputTokens: integer("output_tokens").notNull().default(0),
    costUsd: real("cost_usd").notNull().default(0),
    qualitySum: real("quality_sum").notNull().default(0),
    qualityCount: integer("quality_count").notNull().default(0),
  },
  (t) => [
    primaryKey({ columns: [t.environmentId, t.deploymentId, t.releaseId, t.bucketStart] }),
    index("execution_rollups_workspace_environment_time").on(t.workspaceId, t.environmentId, t.bucketStart),
  ],
);

/** Latency histogram per rollup hour: how many executions took `latency_bucket` ms (see metrics for the bucketing). */
export const latencyHistogram = sqliteTable(
  "latency_histogram",
  {
    workspaceId: text("workspace_id").notNull(),
    environmentId: text("environment_id").notNull(),
    deploymentId: text("deployment_id").notNull(),
    releaseId: text("release_id").notNull(),
    bucketStart: integer("bucket_start").notNull(),
    latencyBucket: real("latency_bucket").notNull(),
    count: integer("count").notNull().default(0),
  },
  (t) => [
    primaryKey({ columns: [t.environmentId, t.deploymentId, t.releaseId, t.bucketStart, t.latencyBucket] }),
    index("latency_histogram_workspace_environment_time").on(t.workspaceId, t.environmentId, t.bucketStart),
  ],
);

/** A test suite: cases with inputs and assertions, shared by every environment (like sandboxes). */
export const testSuites = sqliteTable(
  "test_suites",
  {
    id: text("id").primaryKey(),
    workspaceId: text("workspace_id")
      .notNull()
      .references(() => workspaces.id),
    name: text("name").notNull(),
    description: text("description").notNull().default(""),
    /** The deployment the suite tests, whose releases it gates; null for a suite that tests sandbox drafts only. */
    deploymentId: text("deployment_id"),
    /** Each save adds one. */
    revision: integer("revision").notNull(),
    cases: text("cases", { mode: "json" }).$type<unknown[]>().notNull(),
    createdAt: text("created_at").notNull(),
    createdBy: text("created_by").notNull(),
    updatedAt: text("updated_at").notNull(),
    updatedBy: text("updated_by").notNull(),
  },
  (t) => [uniqueIndex("test_suites_workspace_name").on(t.workspaceId, t.name), index("test_suites_deployment").on(t.workspaceId, t.deploymentId)],
);

/** One run of a suite against a release (in its environment) or a sandbox draft, with every case's result. */
export const testSuiteRuns = sqliteTable(
  "test_suite_runs",
  {
    id: text("id").primaryKey(),
    workspaceId: text("workspace_id")
      .notNull()
      .references(() => workspaces.id),
    testSuiteId: text("test_suite_id")
      .notNull()
      .references(() => testSuites.id),
    testSuiteRevision: integer("test_suite_revision").notNull(),
    releaseId: text("release_id"),
    /** The release's environment; null for a sandbox run. */
    environmentId: text("environment_id"),
    sandboxId: text("sandbox_id"),
    sandboxRevision: integer("sandbox_revision"),
    contentHash: text("content_hash").notNull(),
    status: text("status", { enum: ["running", "completed", "failed"] }).notNull(),
    totalCases: integer("total_cases").notNull(),
    passedCases: integer("passed_cases").notNull(),
    passRate: real("pass_rate"),
    results: text("results", { mode: "json" }).$type<unknown[]>().notNull(),
    error: text("error"),
    createdAt: text("created_at").notNull(),
    createdBy: text("created_by").notNull(),
    completedAt: text("completed_at"),
  },
  (t) => [
    index("test_suite_runs_suite").on(t.workspaceId, t.testSuiteId, t.createdAt),
    index("test_suite_runs_release").on(t.workspaceId, t.releaseId, t.testSuiteId, t.createdAt),
  ],
);

/** Where an environment's events are sent, signed with the webhook's secret. */
export const webhooks = sqliteTable(
  "webhooks",
  {
    id: text("id").primaryKey(),
    workspaceId: text("workspace_id")
      .notNull()
      .references(() => workspaces.id),
    environmentId: text("environment_id")
      .notNull()
      .references(() => environments.id),
    url: text("url").notNull(),
    events: text("events", { mode: "json" }).$type<string[]>().notNull(),
    description: text("description").notNull().default(""),
    /** The signing secret, AES-GCM under MASTER_KEY; shown once, at creation. */
    secretCiphertext: text("secret_ciphertext").notNull(),
    active: integer("active", { mode: "boolean" }).notNull().default(true),
    createdAt: text("created_at").notNull(),
    createdBy: text("created_by").notNull(),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [index("webhooks_workspace_environment").on(t.workspaceId, t.environmentId)],
);

/** One event sent to one webhook, with every attempt made. */
/**
 * What an environment spent in one UTC day, recomputed from the day's
 * execution rollups by the queue consumer (so a redelivered record counts
 * once), and when the day's budget webhook events went out.
 */
export const environmentDailySpend = sqliteTable(
  "environment_daily_spend",
  {
    environmentId: text("environment_id").notNull(),
    /** The UTC day, `YYYY-MM-DD`. */
    day: text("day").notNull(),
    workspaceId: text("workspace_id").notNull(),
    spentUsd: real("spent_usd").notNull().default(0),
    /** When `budget.warning` (80% spent) was sent for this day; null: not yet. */
    warnedAt: text("warned_at"),
    /** When `budget.exhausted` was sent for this day; null: not yet. */
    exhaustedAt: text("exhausted_at"),
    /** The budget whose exhaustion was last published to KV, so a raised budget that is crossed again is published again. */
    exhaustedBudgetUsd: real("exhausted_budget_usd"),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.environmentId, t.day] }), index("environment_daily_spend_workspace_day").on(t.workspaceId, t.day)],
);

export const webhookDeliveries = sqliteTable(
  "webhook_deliveries",
  {
    id: text("id").primaryKey(),
    workspaceId: text("workspace_id")
      .notNull()
      .references(() => workspaces.id),
    webhookId: text("webhook_id")
      .notNull()
      .references(() => webhooks.id),
    eventId: text("event_id").notNull(),
    eventType: text("event_type").notNull(),
    payload: text("payload").notNull(),
    status: text("status", { enum: ["pending", "succeeded", "failed"] }).notNull(),
    attempts: text("attempts", { mode: "json" }).$type<{ at: string; status: number | null; error: string | null; duration_ms: number }[]>().notNull(),
    nextAttemptAt: text("next_attempt_at"),
    createdAt: text("created_at").notNull(),
    deliveredAt: text("delivered_at"),
    /** Until when one consumer holds the delivery for its attempt; another copy of its message finds it held and sends nothing. */
    claimedUntil: text("claimed_until"),
  },
  (t) => [uniqueIndex("webhook_deliveries_webhook_event").on(t.webhookId, t.eventId), index("webhook_deliveries_webhook_time").on(t.workspaceId, t.webhookId, t.createdAt)],
);

/**
 * Webhook events written in the same D1 batch as the change they announce,
 * and not yet handed to the webhook queue; a row is deleted once it is.
 * `environment_id` has no foreign key: an event outlives nothing, and one
 * for an environment deleted meanwhile fans out to no webhook.
 */
export const eventOutbox = sqliteTable(
  "event_outbox",
  {
    /** The event's id, kept by every send, so the fan-out can tell a re-sent event from a new one. */
    id: text("id").primaryKey(),
    workspaceId: text("workspace_id")
      .notNull()
      .references(() => workspaces.id),
    environmentId: text("environment_id").notNull(),
    eventType: text("event_type").notNull(),
    /** The event as every delivery carries it (`WebhookEventPayload`), as JSON. */
    payload: text("payload").notNull(),
    createdAt: text("created_at").notNull(),
  },
  (t) => [index("event_outbox_created").on(t.createdAt)],
);

/**
 * Which CI identities may exchange their provider's OIDC token for a
 * short-lived API key, and what that key may do. Workspace-wide; managed by
 * workspace admins. `environment_id` has no foreign key: an exchange whose
 * policy names a deleted environment is refused.
 */
export const oidcTrustPolicies = sqliteTable(
  "oidc_trust_policies",
  {
    id: text("id").primaryKey(),
    workspaceId: text("workspace_id")
      .notNull()
      .references(() => workspaces.id),
    name: text("name").notNull(),
    issuer: text("issuer").notNull(),
    audience: text("audience").notNull(),
    /** Claim name → exact value or glob (`*` within a `/` segment, `**` across them). */
    conditions: text("conditions", { mode: "json" }).$type<Record<string, string>>().notNull(),
    /** The environment the issued key acts in; null issues a workspace key. */
    environmentId: text("environment_id"),
    scopes: text("scopes", { mode: "json" }).$type<string[]>().notNull(),
    keyTtlSeconds: integer("key_ttl_seconds").notNull(),
    createdAt: text("created_at").notNull(),
    createdBy: text("created_by").notNull(),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [index("oidc_trust_policies_issuer_audience").on(t.issuer, t.audience), index("oidc_trust_policies_workspace").on(t.workspaceId, t.id)],
);

/**
 * Every OIDC token exchanged, by issuer and `jti`, until the token expires:
 * the unique key makes a token usable once, even by two concurrent exchanges.
 */
export const oidcUsedTokens = sqliteTable(
  "oidc_used_tokens",
  {
    issuer: text("issuer").notNull(),
    jti: text("jti").notNull(),
    workspaceId: text("workspace_id")
      .notNull()
      .references(() => workspaces.id),
    keyId: text("key_id").notNull(),
    /** The token's own expiry (plus clock skew); the scheduled job deletes the row after it. */
    expiresAt: text("expires_at").notNull(),
    usedAt: text("used_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.issuer, t.jti] }), index("oidc_used_tokens_workspace_expiry").on(t.workspaceId, t.expiresAt)],
);

/** A step of a rollout: the candidate's share of traffic, held at least this long and for this many candidate executions. */
export interface RolloutStep {
  percent: number;
  min_duration_seconds: number;
  min_executions: number;
}

/** Whose requests always meet the same arm: Vellum's external_id, a metadata key, or a request header. Random per request when the request has none. */
export type StickyBy = { type: "external_id" } | { type: "metadata"; key: string } | { type: "header"; name: string };

/** The thresholds a candidate must stay within, compared with the stable release over the same step. Absent thresholds are not judged. */
export interface RolloutGuard {
  /** No judgement before each arm has this many executions in the step. */
  min_executions: number;
  max_error_rate?: number | undefined;
  max_error_rate_increase?: number | undefined;
  max_p95_latency_ratio?: number | undefined;
  max_cost_ratio?: number | undefined;
  min_quality?: number | undefined;
  max_quality_drop?: number | undefined;
}

/** What starting a rollout needs besides its candidate: kept on a promotion request that waits for approvals, and on a scheduled release. */
export interface RolloutPlan {
  mode: "canary" | "ab" | "shadow";
  steps: RolloutStep[];
  sticky_by: StickyBy | null;
  guard: RolloutGuard | null;
}

/** One arm's figures over a window, as the guard judged them. */
export interface ArmFigures {
  executions: number;
  errors: number;
  error_rate: number | null;
  p95_latency_ms: number | null;
  cost_per_execution: number | null;
  quality: number | null;
  quality_count: number;
}

/** The last judgement of the guard: what it decided, why, with both arms' figures over the step's window. */
export interface RolloutJudgement {
  at: string;
  step: number;
  decision: "advance" | "hold" | "roll_back" | "complete";
  reason: string;
  threshold: string | null;
  window: { from: string; to: string };
  candidate: ArmFigures;
  stable: ArmFigures;
}

export const rollouts = sqliteTable(
  "rollouts",
  {
    id: text("id").primaryKey(),
    workspaceId: text("workspace_id")
      .notNull()
      .references(() => workspaces.id),
    deploymentId: text("deployment_id")
      .notNull()
      .references(() => deployments.id),
    environmentId: text("environment_id")
      .notNull()
      .references(() => environments.id),
    mode: text("mode", { enum: ["canary", "ab", "shadow"] }).notNull(),
    status: text("status", { enum: ["running", "paused", "completed", "rolled_back", "aborted"] }).notNull(),
    /** The release live when the rollout started, which the candidate is measured against. */
    stableReleaseId: text("stable_release_id")
      .notNull()
      .references(() => releases.id),
    /** The candidate, a release of this environment made when the rollout started (LATEST names it in D1; the KV pointer splits). */
    candidateReleaseId: text("candidate_release_id")
      .notNull()
      .references(() => releases.id),
    /** After a rollback or abort: the release (source `revert`) that brought the stable content back. */
    restoredReleaseId: text("restored_release_id"),
    steps: text("steps", { mode: "json" }).$type<RolloutStep[]>().notNull(),
    stepIndex: integer("step_index").notNull(),
    stepStartedAt: text("step_started_at").notNull(),
    /** The candidate's share now, 0–100. */
    percent: real("percent").notNull(),
    salt: text("salt").notNull(),
    stickyBy: text("sticky_by", { mode: "json" }).$type<StickyBy>(),
    guard: text("guard", { mode: "json" }).$type<RolloutGuard>(),
    lastJudgement: text("last_judgement", { mode: "json" }).$type<RolloutJudgement>(),
    /** Why the rollout ended, when it did: the threshold crossed, or who aborted or completed it. */
    endReason: text("end_reason"),
    createdAt: text("created_at").notNull(),
    createdBy: text("created_by").notNull(),
    updatedAt: text("updated_at").notNull(),
    endedAt: text("ended_at"),
  },
  (t) => [
    index("rollouts_deployment").on(t.workspaceId, t.deploymentId, t.environmentId, t.createdAt),
    // One rollout at a time per deployment and environment.
    uniqueIndex("rollouts_one_active").on(t.workspaceId, t.deploymentId, t.environmentId).where(sql`status IN ('running', 'paused')`),
  ],
);

/** A candidate's answer to a copy of a request, made after the caller had the stable answer; never returned, never in the environment's figures. */
export const shadowExecutions = sqliteTable(
  "shadow_executions",
  {
    id: text("id").primaryKey(),
    workspaceId: text("workspace_id")
      .notNull()
      .references(() => workspaces.id),
    environmentId: text("environment_id").notNull(),
    deploymentId: text("deployment_id").notNull(),
    rolloutId: text("rollout_id").notNull(),
    releaseId: text("release_id").notNull(),
    /** The execution whose answer the caller received. */
    servedExecutionId: text("served_execution_id").notNull(),
    status: text("status", { enum: ["FULFILLED", "REJECTED"] }).notNull(),
    errorCode: text("error_code"),
    latencyMs: real("latency_ms").notNull(),
    inputTokens: integer("input_tokens"),
    outputTokens: integer("output_tokens"),
    costUsd: real("cost_usd"),
    outputs: text("outputs", { mode: "json" }),
    /** Whether the candidate's text equals the served text, and how alike they are (0–1). */
    sameOutput: integer("same_output", { mode: "boolean" }).notNull(),
    similarity: real("similarity").notNull(),
    startedAt: integer("started_at").notNull(),
    createdAt: text("created_at").notNull(),
  },
  (t) => [index("shadow_executions_rollout").on(t.rolloutId, t.startedAt)],
);

/** A promotion or a rollout start waiting for its time; the coordinator's alarm fires it and judges the policy then. */
export const scheduledReleases = sqliteTable(
  "scheduled_releases",
  {
    id: text("id").primaryKey(),
    workspaceId: text("workspace_id")
      .notNull()
      .references(() => workspaces.id),
    deploymentId: text("deployment_id")
      .notNull()
      .references(() => deployments.id),
    environmentId: text("environment_id")
      .notNull()
      .references(() => environments.id),
    kind: text("kind", { enum: ["promotion", "rollout"] }).notNull(),
    /** The release to promote or roll out. */
    releaseId: text("release_id")
      .notNull()
      .references(() => releases.id),
    rolloutPlan: text("rollout_plan", { mode: "json" }).$type<RolloutPlan>(),
    releaseTags: text("release_tags", { mode: "json" }).$type<string[]>().notNull(),
    description: text("description").notNull(),
    scheduledAt: text("scheduled_at").notNull(),
    status: text("status", { enum: ["scheduled", "executed", "refused", "cancelled"] }).notNull(),
    /** What happened when it fired: the release or rollout made, or the refusal. */
    result: text("result", { mode: "json" }).$type<Record<string, unknown>>(),
    createdAt: text("created_at").notNull(),
    createdBy: text("created_by").notNull(),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [index("scheduled_releases_due").on(t.workspaceId, t.deploymentId, t.status, t.scheduledAt)],
);
