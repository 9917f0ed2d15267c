import { fail, ok, type Result } from "./result";

/**
 * Opaque list cursors. A cursor wraps the sort key of the last item returned;
 * the next page starts after it (keyset pagination: stable under inserts).
 */
export function encodeCursor(position: string | number): string {
  return btoa(JSON.stringify([position]))
    .replaceAll("+", "-")
    .replaceAll("/", "_")
    .replaceAll("=", "");
}

export function decodeCursor<T extends string | number>(cursor: string | undefined, type: "string" | "number"): Result<T | undefined> {
  if (cursor === undefined) return ok(undefined);
  try {
    const [position] = JSON.parse(atob(cursor.replaceAll("-", "+").replaceAll("_", "/"))) as unknown[];
    if (typeof position === type) return ok(position as T);
  } catch {
    // fall through to the failure below
  }
  return fail("VALIDATION_FAILED", "The cursor is not one this API returned", [{ path: "query.cursor", message: "Invalid cursor" }]);
}

/**
 * Cuts a list fetched with `limit + 1` rows down to `limit`, and derives the
 * cursor for the next page from the last item kept.
 */
export function toPage<Row, Item>(rows: Row[], limit: number, position: (row: Row) => string | number, view: (row: Row) => Item) {
  const kept = rows.slice(0, limit);
  const last = kept.at(-1);
  return {
    data: kept.map(view),
    next_cursor: rows.length > limit && last !== undefined ? encodeCursor(position(last)) : null,
  };
}
