import { fail, ok, type Result } from "./result";

/**
 * The list a cursor belongs to: its name and the filters that shape it
 * (`limit` does not). A cursor is refused by any other list, or by the same
 * list under other filters, where it would name a position in another
 * sequence and give a wrong page.
 *
 * @example
 * const list = { name: "audit-events", filters: { environment: query.environment, action: query.action } };
 */
export interface CursorList {
  name: string;
  filters?: Record<string, string | number | boolean | null | undefined>;
}

/** A short, stable fingerprint of a list (FNV-1a, 32 bits): enough to tell lists apart, not a secret. */
function listTag(list: CursorList): string {
  const filters = Object.entries(list.filters ?? {})
    .filter(([, value]) => value !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const text = JSON.stringify([list.name, filters]);
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(36);
}

const invalidCursor = (detail: string) => fail("VALIDATION_FAILED", detail, [{ path: "query.cursor", message: "Invalid cursor" }]);

/**
 * Opaque list cursors. A cursor wraps the sort key of the last item returned
 * and the tag of its list; the next page starts after it (keyset pagination:
 * stable under inserts).
 */
export function encodeCursor(list: CursorList, position: string | number): string {
  return btoa(JSON.stringify([position, listTag(list)]))
    .replaceAll("+", "-")
    .replaceAll("/", "_")
    .replaceAll("=", "");
}

export function decodeCursor<T extends string | number>(cursor: string | undefined, type: "string" | "number", list: CursorList): Result<T | undefined> {
  if (cursor === undefined) return ok(undefined);
  let decoded: unknown;
  try {
    decoded = JSON.parse(atob(cursor.replaceAll("-", "+").replaceAll("_", "/")));
  } catch {
    return invalidCursor("The cursor is not one this API returned");
  }
  if (!Array.isArray(decoded) || decoded.length !== 2 || typeof decoded[0] !== type) return invalidCursor("The cursor is not one this API returned");
  if (decoded[1] !== listTag(list)) {
    return invalidCursor("The cursor belongs to another list, or to this list under other filters; page with the query that returned it");
  }
  return ok(decoded[0] as T);
}

/**
 * Cuts a list fetched with `limit + 1` rows down to `limit`, and derives the
 * cursor for the next page from the last item kept.
 */
export function toPage<Row, Item>(rows: Row[], limit: number, position: (row: Row) => string | number, view: (row: Row) => Item, list: CursorList) {
  const kept = rows.slice(0, limit);
  const last = kept.at(-1);
  return {
    data: kept.map(view),
    next_cursor: rows.length > limit && last !== undefined ? encodeCursor(list, position(last)) : null,
  };
}
