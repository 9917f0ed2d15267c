import type { Config } from "./config";
import type { Database } from "./db/client";
import type { KeyIdentity } from "./db/schema";
import type { IdGenerator } from "./lib/ids";
import type { ServerTiming } from "./lib/server-timing";
import type { EventQueue, WebhookQueue } from "./queue/messages";

export const scopes = ["execute", "read", "deploy", "promote", "approve", "admin"] as const;
export type Scope = (typeof scopes)[number];

/** A named environment as the auth layer sees it. */
export interface EnvironmentRef {
  id: string;
  name: string;
}

/** Who is calling: the API key that authenticated the request. */
export interface Principal {
  workspaceId: string;
  keyId: string;
  /** The key's environment, or null for a workspace key. */
  environment: EnvironmentRef | null;
  scopes: Scope[];
  /** The CI identity of a key issued by an OIDC token exchange, carried into the audit events it causes. */
  identity?: KeyIdentity | null | undefined;
}

/**
 * What services may touch. Built once per request from the bindings, so tests
 * can hand in their own clock or id generator.
 */
export interface Deps {
  db: Database;
  kv: KVNamespace;
  /** The invoke path's reads of KV, cached in this isolate within `config.edgeCacheMs`. */
  edge: EdgeReads;
  /** Marks that this request changed an entry `edge` reads; its answer then waits until every isolate here will read the change. */
  edgeChanged: () => void;
  events: EventQueue;
  /** Webhook events and deliveries; producers relay events through the outbox (webhooks/outbox.ts). */
  webhooks: WebhookQueue;
  coordinators: Env["DEPLOYMENT_COORDINATOR"];
  config: Config;
  now: () => Date;
  newId: IdGenerator;
  requestId: string;
}

/** The invoke path's reads of KV, through this isolate's cache (see edge/cache.ts). */
export interface EdgeReads {
  /** JSON values of entries that change (null when absent), none older than the bound; one KV round trip for those not cached. */
  getMany(keys: string[]): Promise<Map<string, unknown>>;
  get<T>(key: string): Promise<T | null>;
  /** A JSON entry that never changes once written. */
  getImmutable<T>(key: string): Promise<T | null>;
  /** An immutable entry this isolate already holds, without any I/O. */
  peekImmutable<T>(key: string): T | undefined;
  /** True once a read of this request was answered from the isolate's last known value because KV failed. */
  readonly stale: boolean;
}

export type AppEnv = {
  Bindings: Env;
  Variables: {
    requestId: string;
    deps: Deps;
    principal: Principal;
    timing: ServerTiming;
  };
};
