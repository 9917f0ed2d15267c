/**
 * Splits `items`, in order, into runs whose sizes add up to at most
 * `budget`; an item larger than the budget makes a run of its own.
 *
 * @example
 * chunkBySize(["aa", "bbb", "c"], (s) => s.length, 4); // [["aa"], ["bbb", "c"]]
 */
export function chunkBySize<T>(items: T[], sizeOf: (item: T) => number, budget: number): T[][] {
  const chunks: T[][] = [];
  let used = Number.POSITIVE_INFINITY;
  for (const item of items) {
    const size = sizeOf(item);
    if (used + size > budget) {
      chunks.push([]);
      used = 0;
    }
    chunks.at(-1)!.push(item);
    used += size;
  }
  return chunks;
}
