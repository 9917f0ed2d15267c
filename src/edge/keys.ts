import type { EnvironmentRef, Scope } from "../context";
import type { KeyIdentity, StickyBy } from "../db/schema";
import type { RuntimeEnvironment } from "../runtime/environment";

/**
 * Every KV key Stagecraft writes, and the value stored under it. This module
 * and the KV table of docs/storage.md describe the same layout, one entry
 * each; keep the two in step.
 */
export const edgeKeys = {
  /** `api-key:<sha256 of the key, hex>` → {@link CachedKey}. Written through on every change to the key. */
  apiKey: (keyHash: string) => `api-key:${keyHash}`,
  /** `release:<release id>` → {@link ReleaseSnapshot}. Immutable: written once per release. */
  release: (releaseId: string) => `release:${releaseId}`,
  /** `pointer:<environment id>:<deployment id>:<tag>` → {@link TagPointer}. Moves on deploy, promote, revert and tag moves. */
  pointer: (environmentId: string, deploymentId: string, tag: string) => `pointer:${environmentId}:${deploymentId}:${tag}`,
  /** `deployment-name:<workspace id>:<name>` → {@link DeploymentNameEntry}. Immutable: a deployment's name never changes. */
  deploymentName: (workspaceId: string, name: string) => `deployment-name:${workspaceId}:${name}`,
  /** `environment:<environment id>` → {@link EnvironmentConfig}. Rewritten after every change to the environment's settings or secrets. */
  environment: (environmentId: string) => `environment:${environmentId}`,
  /** `environment-name:<workspace id>:<name>` → the environment's id, as plain text. Environment names never change. */
  environmentName: (workspaceId: string, name: string) => `environment-name:${workspaceId}:${name}`,
  /** `limits:<workspace id>:<environment name>` → {@link InvokeLimits}. Rewritten with the environment, and when its day's budget runs out; absent when it sets no limit. */
  limits: (workspaceId: string, environmentName: string) => `limits:${workspaceId}:${environmentName}`,
};

/**
 * What authentication reads of a key. It holds no secret (only the hash is
 * in the key's name).
 */
export interface CachedKey {
  id: string;
  workspace_id: string;
  environment: EnvironmentRef | null;
  scopes: Scope[];
  expires_at: string | null;
  revoked_at: string | null;
  /** Who a key issued by an OIDC exchange was issued to; absent for other keys (and entries written before it existed). */
  identity?: KeyIdentity | null;
}

/** A release as the invoke path serves it. */
export interface ReleaseSnapshot {
  id: string;
  workspace_id: string;
  deployment_id: string;
  deployment_name: string;
  kind: "prompt" | "workflow";
  environment_id: string;
  version: number;
  spec: unknown;
  content_hash: string;
  created_at: string;
}

/** Where a tag of one environment points: one release, or, during a rollout of LATEST, two and how to choose. */
export interface TagPointer {
  /** The release D1's tag names (during a rollout: the candidate). */
  release_id: string;
  version: number;
  split?: PointerSplit | undefined;
}

/**
 * A rollout's split of the pointer. In `split` mode a request meets the
 * candidate when its subject's bucket is below `percent` (see
 * rollouts/split.ts), and the stable release otherwise; in `shadow` mode
 * every request gets the stable release, and that share also runs the
 * candidate, after the answer, for comparison only.
 */
export interface PointerSplit {
  rollout_id: string;
  mode: "split" | "shadow";
  stable_release_id: string;
  /** The candidate's share, 0–100. */
  percent: number;
  salt: string;
  sticky_by: StickyBy | null;
  /** The rollout's step, recorded with each execution so that the guard judges a step by its own traffic. */
  step: number;
}

/** A deployment, found by name. */
export interface DeploymentNameEntry {
  id: string;
  kind: "prompt" | "workflow";
}

/**
 * What the invoke path needs of an environment: its variables, its price
 * overrides and its secrets, still sealed (they are opened only when a
 * provider call needs one; see lib/secret-box.ts).
 */
export interface EnvironmentConfig extends RuntimeEnvironment {
  workspace_id: string;
  name: string;
}

/**
 * What the invoke routes check before anything else: an environment's rate
 * limits and whether its day's budget is spent. Keyed by the environment's
 * name, so a workspace key that names the environment finds it without
 * first looking up the id.
 */
export interface InvokeLimits {
  environment_id: string;
  /** Invocations a minute for the whole environment; null: none. */
  rate_limit_per_minute: number | null;
  /** Invocations a minute for each key in the environment; null: none. */
  key_rate_limit_per_minute: number | null;
  daily_budget_usd: number | null;
  /** Set while a day's spend has reached the budget: invocations are refused until that UTC day ends. */
  exhausted: { day: string; spent_usd: number; budget_usd: number } | null;
}
