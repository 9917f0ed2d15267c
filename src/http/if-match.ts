import { ApiError } from "../lib/problem";

/**
 * The value of an `If-Match` header. Accepts `"rel_…"`, `rel_…` and
 * `W/"rel_…"`; `*` and an absent header mean no condition.
 *
 * @example
 * parseIfMatch('W/"rel_01J…"') // "rel_01J…"
 */
export function parseIfMatch(header: string | undefined): string | undefined {
  const value = header
    ?.trim()
    .replace(/^W\//, "")
    .replace(/^"(.*)"$/, "$1");
  return value && value !== "*" ? value : undefined;
}

/**
 * An `If-Match` header that names a revision number (`"3"`), or undefined
 * when there is none. Anything else is refused with a 400 naming the header.
 */
export function expectedRevision(header: string | undefined, noun: string): number | undefined {
  const value = parseIfMatch(header);
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new ApiError("VALIDATION_FAILED", `If-Match must be a ${noun} revision number`, [{ path: "header.if-match", message: "Not a revision" }]);
  return Number(value);
}
