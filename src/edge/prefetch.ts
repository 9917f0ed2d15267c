import type { Deps, EnvironmentRef, Principal } from "../context";
import { BoundedMap } from "../lib/bounded-map";
import type { Result } from "../lib/result";
import type { SubjectSource } from "../rollouts/split";
import { readCachedKey } from "./key-entries";
import { type CachedKey, type EnvironmentConfig, edgeKeys, type TagPointer } from "./keys";
import { pointerKeyFor, type ReleaseQuery, type ResolvedRelease, resolveRelease } from "./resolve-release";

/**
 * At most one KV round trip for the invoke path (none while this isolate's
 * cache holds everything, see cache.ts).
 *
 * A key's workspace and environment never change, so once this isolate has
 * authenticated a key it knows where that key acts. The next request with
 * the key asks the cache, at once, for the key's entry (revocation and
 * expiry are still checked on every request), the release pointer it asks
 * for, and the environment's config; whatever the cache lacks comes in one
 * bulk KV get. The release and config are used only after the key is
 * authenticated, and only if they match what the request needs.
 */
const keyBindings = new BoundedMap<string, { workspaceId: string; environment: EnvironmentRef }>(10_000);

/** Remembers where a key acts, if it is an environment key that may invoke at all (a key's scopes never change either). */
export function rememberKeyBinding(keyHash: string, principal: Principal) {
  const mayInvoke = principal.scopes.includes("execute") || principal.scopes.includes("admin");
  if (!principal.environment || !mayInvoke || keyBindings.has(keyHash)) return;
  keyBindings.set(keyHash, { workspaceId: principal.workspaceId, environment: principal.environment });
}

export interface InvokeLookups {
  query: ReleaseQuery;
  release: Promise<Result<ResolvedRelease>>;
  config: Promise<EnvironmentConfig>;
}

const text = (value: unknown) => (typeof value === "string" ? value : undefined);

/** The subject of a rollout's split, as the body and headers carry it. */
function subjectsFrom(body: unknown, headers: Headers): SubjectSource {
  const target = (body && typeof body === "object" ? body : {}) as Record<string, unknown>;
  const metadata = target.metadata && typeof target.metadata === "object" ? (target.metadata as Record<string, unknown>) : null;
  return { external_id: text(target.external_id), metadata, headers };
}

function queryFrom(binding: { workspaceId: string; environment: EnvironmentRef }, body: unknown): ReleaseQuery | null {
  if (!body || typeof body !== "object") return null;
  const target = body as Record<string, unknown>;
  return {
    workspaceId: binding.workspaceId,
    environmentId: binding.environment.id,
    kind: "prompt",
    deploymentId: text(target.prompt_deployment_id),
    deploymentName: text(target.prompt_deployment_name),
    tag: text(target.release_tag),
  };
}

export function emptyEnvironmentConfig(workspaceId: string, ref: EnvironmentRef): EnvironmentConfig {
  return { id: ref.id, workspace_id: workspaceId, name: ref.name, variables: {}, model_prices: {}, secrets: {} };
}

/** Starts the bulk read, or returns null when this isolate does not know the key yet. */
export function startInvokeLookups(deps: Pick<Deps, "edge">, keyHash: string, readBody: () => Promise<unknown>, headers: Headers, environment: string | undefined) {
  const binding = keyBindings.get(keyHash);
  if (!binding || (environment !== undefined && environment !== binding.environment.name)) return null;
  const configKey = edgeKeys.environment(binding.environment.id);
  const fetched = (async () => {
    // A body that is not JSON is the validator's to refuse; here it only means nothing to prefetch.
    const body = await readBody().catch(() => null);
    const query = queryFrom(binding, body);
    const pointerKey = query && pointerKeyFor(deps.edge, query);
    const keys = [edgeKeys.apiKey(keyHash), configKey, ...(pointerKey ? [pointerKey] : [])];
    const values = await deps.edge.getMany(keys);
    return { query, pointerKey, values, subjects: subjectsFrom(body, headers) };
  })();
  const lookups = fetched
    .then(({ query, pointerKey, values, subjects }): InvokeLookups | null =>
      query
        ? {
            query,
            release: resolveRelease(deps.edge, query, pointerKey ? ((values.get(pointerKey) as TagPointer | null) ?? null) : undefined, subjects),
            config: Promise.resolve((values.get(configKey) as EnvironmentConfig | null) ?? emptyEnvironmentConfig(binding.workspaceId, binding.environment)),
          }
        : null,
    )
    .catch(() => null);
  return {
    // Should the bulk read fail, the key is read on its own as usual.
    key: fetched.then(({ values }) => (values.get(edgeKeys.apiKey(keyHash)) as CachedKey | null) ?? null).catch(() => readCachedKey(deps.edge, keyHash)),
    lookups,
  };
}

/** The reads started for each request in flight; dropped with the request. */
const startedFor = new WeakMap<Request, Promise<InvokeLookups | null>>();

/** Keeps the reads authentication started for `request`, for the handler that serves it. */
export function rememberLookups(request: Request, lookups: Promise<InvokeLookups | null>) {
  startedFor.set(request, lookups);
}

/** The reads started for `request`, if they are exactly the ones it needs. */
export async function matchingLookups(request: Request, query: ReleaseQuery): Promise<InvokeLookups | null> {
  const found = await startedFor.get(request);
  if (!found) return null;
  const same = (Object.keys(query) as (keyof ReleaseQuery)[]).every((k) => (found.query[k] ?? null) === (query[k] ?? null));
  return same ? found : null;
}
