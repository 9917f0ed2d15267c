import { type Document, isNode, type LineCounter } from "yaml";

/** A field path as the API writes it (`spec.blocks[0].template`), as keys and indexes. */
export function parseFieldPath(field: string): (string | number)[] {
  const parts: (string | number)[] = [];
  for (const match of field.matchAll(/([^.[\]]+)|\[(\d+)\]/g)) parts.push(match[2] !== undefined ? Number(match[2]) : match[1]!);
  return parts;
}

/**
 * The line (1-based) of the value at `path`, or of its nearest ancestor that
 * exists (a missing field is reported where its parent is).
 */
export function lineOf(doc: Document, lineCounter: LineCounter, path: readonly PropertyKey[]): number {
  for (let depth = path.length; depth >= 0; depth--) {
    const node = doc.getIn(path.slice(0, depth) as (string | number)[], true);
    if (isNode(node) && node.range) return lineCounter.linePos(node.range[0]).line;
  }
  return 1;
}
