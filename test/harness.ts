import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { type AppOverrides, createApp } from "../src/app";

export const BOOTSTRAP_TOKEN = "test-bootstrap-token-0123456789";

/** Workspaces whose audit chain a test breaks on purpose; the suite-wide chain check skips them. */
export const TAMPERED_WORKSPACE_NAME = "Tampered on purpose";

export interface ApiResponse<T = any> {
  status: number;
  headers: Headers;
  body: T;
}

export interface CallOptions {
  method?: string;
  key?: string;
  body?: unknown;
  /** Sent as-is instead of JSON-encoding `body`. */
  rawBody?: string;
  headers?: Record<string, string>;
}

function toRequestInit(options: CallOptions): RequestInit {
  const headers: Record<string, string> = { ...options.headers };
  if (options.key) headers.authorization ??= `Bearer ${options.key}`;
  let body: string | undefined;
  if (options.rawBody !== undefined) body = options.rawBody;
  else if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers["content-type"] ??= "application/json";
  }
  return { method: options.method ?? (body === undefined ? "GET" : "POST"), headers, body };
}

async function toApiResponse(res: Response): Promise<ApiResponse> {
  const text = await res.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    // not JSON: keep the text
  }
  return { status: res.status, headers: res.headers, body };
}

/** Calls the Worker's own fetch handler, as a client would. */
export async function call(path: string, options: CallOptions = {}): Promise<ApiResponse> {
  return toApiResponse(await exports.default.fetch(`https://stagecraft.test${path}`, toRequestInit(options)));
}

/** Calls an app built in the test through its fetch handler, with `bindings`, waiting for its waitUntil work. */
async function callApp(app: ReturnType<typeof createApp>, bindings: Env, path: string, options: CallOptions): Promise<ApiResponse> {
  const ctx = createExecutionContext();
  const res = await app.request(`https://stagecraft.test${path}`, toRequestInit(options), bindings, ctx);
  await waitOnExecutionContext(ctx);
  return toApiResponse(res);
}

/**
 * An app with a hand-set clock, for behaviour that depends on time passing
 * (expiry, grace periods). Same bindings as the Worker.
 */
export function appWithClock(start: Date) {
  let now = start.getTime();
  const overrides: AppOverrides = { now: () => new Date(now) };
  const app = createApp(overrides);
  return {
    advance(seconds: number) {
      now += seconds * 1000;
    },
    call: (path: string, options: CallOptions = {}) => callApp(app, env, path, options),
  };
}

/** The Worker's app with some of its variables set otherwise (the same D1, KV and queue). */
export function appWithVariables(variables: Partial<Record<keyof Env, string>>) {
  const app = createApp();
  const bindings = { ...env, ...variables } as Env;
  return { call: (path: string, options: CallOptions = {}) => callApp(app, bindings, path, options) };
}

export interface TestWorkspace {
  id: string;
  adminKey: string;
  environments: Record<string, { id: string; name: string }>;
  /** Creates a key in this workspace and returns its secret and id. */
  key(spec: { environment?: string | null; scopes: string[]; name?: string; expires_at?: string }): Promise<{ key: string; id: string }>;
}

export async function createWorkspace(name = "Test workspace"): Promise<TestWorkspace> {
  const res = await call("/v1/workspaces", { headers: { authorization: `Bearer ${BOOTSTRAP_TOKEN}` }, body: { name } });
  if (res.status !== 201) throw new Error(`bootstrap failed: ${res.status} ${JSON.stringify(res.body)}`);
  const adminKey: string = res.body.api_key.key;
  return {
    id: res.body.workspace.id,
    adminKey,
    environments: Object.fromEntries(res.body.environments.map((e: { id: string; name: string }) => [e.name, { id: e.id, name: e.name }])),
    async key(spec) {
      const created = await call("/v1/api-keys", { key: adminKey, body: { name: spec.name ?? "test key", ...spec } });
      if (created.status !== 201) throw new Error(`key creation failed: ${created.status} ${JSON.stringify(created.body)}`);
      return { key: created.body.key, id: created.body.id };
    },
  };
}

/**
 * Everything the service has stored, D1 rows of every table and every KV
 * entry, to compare before and after a request that must change nothing.
 */
export async function storageSnapshot(): Promise<Record<string, unknown>> {
  const { results: tables } = await env.DB.prepare(
    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%' AND name <> 'd1_migrations' ORDER BY name",
  ).all<{ name: string }>();
  const snapshot: Record<string, unknown> = {};
  for (const { name } of tables) {
    // Sorted in JS: some tables (FTS5's shadow tables) have no rowid to order by.
    const rows = (await env.DB.prepare(`SELECT * FROM "${name}"`).all()).results.sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));
    // last_used_at is a usage hint written later by the queue consumer, not a state change.
    snapshot[`d1:${name}`] = name === "api_keys" ? rows.map((row) => ({ ...row, last_used_at: "(ignored)" })) : rows;
  }
  const kv: Record<string, string | null> = {};
  let cursor: string | undefined;
  do {
    const page = await env.EDGE.list(cursor ? { cursor } : {});
    for (const { name } of page.keys) kv[name] = await env.EDGE.get(name);
    cursor = page.list_complete ? undefined : page.cursor;
  } while (cursor);
  snapshot.kv = kv;
  return snapshot;
}

/** Asserts the shape every error response shares. */
export function expectProblem(res: ApiResponse, status: number, code?: string) {
  const problem = res.body as Record<string, unknown>;
  const summary = `${res.status} ${JSON.stringify(problem)}`;
  if (res.status !== status) throw new Error(`expected ${status}, got ${summary}`);
  if (res.headers.get("content-type") !== "application/problem+json") throw new Error(`not problem+json: ${res.headers.get("content-type")}`);
  for (const field of ["type", "title", "status", "detail", "code", "request_id"]) {
    if (!(field in problem)) throw new Error(`problem lacks ${field}: ${summary}`);
  }
  if (problem.status !== status) throw new Error(`problem.status ${problem.status} != ${status}`);
  if (code && problem.code !== code) throw new Error(`expected code ${code}, got ${summary}`);
  return problem;
}
