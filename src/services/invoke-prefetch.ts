import type { Deps, EnvironmentRef, Principal } from "../context";
import type { Result } from "../lib/result";
import { type ReleaseQuery, resolveRelease } from "../runtime/resolve-release";
import type { ReleaseSnapshot } from "./edge-sync";
import type { EnvironmentConfig } from "./environment-edge";
import { environmentConfig } from "./invoke-environment";

/**
 * Overlaps the invoke path's KV reads with the key lookup.
 *
 * A key's workspace and environment never change, so once this isolate has
 * authenticated a key it knows where that key acts. The next request with
 * the key starts reading the release pointer and the environment's config at
 * the same time as the key itself: one KV round trip instead of two. The
 * results are used only after the key is authenticated afresh (revocation is
 * still checked on every request), and only if they match what the request
 * turns out to need.
 */
const MAX_KEYS = 10_000;
const keyBindings = new Map<string, { workspaceId: string; environment: EnvironmentRef }>();

export function rememberKeyBinding(keyHash: string, principal: Principal) {
  if (!principal.environment || keyBindings.has(keyHash)) return;
  if (keyBindings.size >= MAX_KEYS) keyBindings.clear();
  keyBindings.set(keyHash, { workspaceId: principal.workspaceId, environment: principal.environment });
}

export interface InvokeLookups {
  query: ReleaseQuery;
  release: Promise<Result<{ release: ReleaseSnapshot; tag: string }>>;
  config: Promise<EnvironmentConfig>;
}

interface InvokeTarget {
  prompt_deployment_id?: unknown;
  prompt_deployment_name?: unknown;
  release_tag?: unknown;
}

const text = (value: unknown) => (typeof value === "string" ? value : undefined);

export async function startInvokeLookups(deps: Pick<Deps, "kv">, keyHash: string, body: Promise<unknown>, environment: string | undefined): Promise<InvokeLookups | null> {
  const binding = keyBindings.get(keyHash);
  if (!binding || (environment !== undefined && environment !== binding.environment.name)) return null;
  const target = (await body) as InvokeTarget | null;
  if (!target || typeof target !== "object") return null;
  const query: ReleaseQuery = {
    workspaceId: binding.workspaceId,
    environmentId: binding.environment.id,
    kind: "prompt",
    deploymentId: text(target.prompt_deployment_id),
    deploymentName: text(target.prompt_deployment_name),
    tag: text(target.release_tag),
  };
  const release = resolveRelease(deps.kv, query);
  const config = environmentConfig(deps, binding.workspaceId, binding.environment);
  // Nobody may await these if the request fails first; keep that from surfacing as unhandled.
  release.catch(() => undefined);
  config.catch(() => undefined);
  return { query, release, config };
}

/** The prefetched reads, if they are exactly the ones this request needs. */
export async function matchingLookups(lookups: Promise<InvokeLookups | null> | undefined, query: ReleaseQuery): Promise<InvokeLookups | null> {
  const found = await lookups;
  if (!found) return null;
  const same = (Object.keys(query) as (keyof ReleaseQuery)[]).every((k) => (found.query[k] ?? null) === (query[k] ?? null));
  return same ? found : null;
}
