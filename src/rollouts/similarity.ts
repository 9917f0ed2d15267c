import { diffWords } from "diff";

/** Texts longer than this are compared by their first this-many characters: the comparison runs after the answer, but still on the Worker's CPU. */
const MAX_COMPARED_CHARS = 20_000;

/**
 * How alike two answers are, 0–1: the share of their characters that a
 * word-level diff keeps in common (1 for equal texts, 0 for nothing shared).
 */
export function textSimilarity(a: string, b: string): number {
  if (a === b) return 1;
  const left = a.slice(0, MAX_COMPARED_CHARS);
  const right = b.slice(0, MAX_COMPARED_CHARS);
  if (left.length + right.length === 0) return 1;
  let common = 0;
  for (const part of diffWords(left, right)) if (!part.added && !part.removed) common += part.value.length;
  return Math.round(((2 * common) / (left.length + right.length)) * 1000) / 1000;
}
