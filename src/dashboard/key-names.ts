import { findApiKeyById } from "../access/repository";
import type { Deps, Principal } from "../context";

/** Key ids mapped to the names of those keys in the key's workspace; pass through `keyName` to show one. */
export type KeyNames = ReadonlyMap<string, string>;

/**
 * The names of the keys that did something (created a release, saved a
 * sandbox, started a run…), looked up in the key's own workspace only.
 * A key that no longer exists keeps its id; "system" stays as it is.
 */
export async function keyNames(deps: Pick<Deps, "db">, principal: Principal, ids: readonly string[]): Promise<KeyNames> {
  const unique = [...new Set(ids)].filter((id) => id.startsWith("key_"));
  const rows = await Promise.all(unique.map((id) => findApiKeyById(deps.db, principal.workspaceId, id)));
  return new Map(unique.flatMap((id, i) => (rows[i] ? [[id, rows[i].name] as const] : [])));
}

/** The name of the key `id`, or the id itself when its name is unknown. */
export const keyName = (names: KeyNames, id: string): string => names.get(id) ?? id;
