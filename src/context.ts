import type { Config } from "./config";
import type { DeploymentCoordinator } from "./releases/deployment-coordinator";
import type { Database } from "./db/client";
import type { IdGenerator } from "./lib/ids";
import type { ServerTiming } from "./lib/server-timing";
import type { InvokeLookups } from "./edge/prefetch";
import type { EdgeReads } from "./edge/cache";
import type { WebhookEventMessage, WebhookDeliverMessage } from "./webhooks/events";

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
  /** Marks that this request changed an entry `edge` reads; its answer then waits out every isolate's copy. */
  edgeChanged: () => void;
  events: Queue<QueueMessage>;
  coordinators: DurableObjectNamespace<DeploymentCoordinator>;
  config: Config;
  now: () => Date;
  newId: IdGenerator;
  requestId: string;
}

/** Messages on the events queue, discriminated by `type`. */
export type QueueMessage =
  | { type: "api_key.used"; workspace_id: string; key_id: string; at: string }
  /** `records`: each execution record's JSON, as recordJson writes it. */
  | { type: "executions.recorded"; records: string[] }
  | WebhookEventMessage
  | WebhookDeliverMessage;

export type AppEnv = {
  Bindings: Env;
  Variables: {
    requestId: string;
    deps: Deps;
    principal: Principal;
    timing: ServerTiming;
    invokeLookups?: Promise<InvokeLookups | null>;
  };
};
