import type { IndexTermStats } from "./repository";

/**
 * BM25 scores on one scale everywhere: `/v1/search` and workflow search
 * nodes both score with this, from the searched index's own statistics.
 * FTS5's built-in bm25() takes its statistics from the whole FTS table, every
 * index of every workspace, so its numbers moved with unrelated documents
 * (and collapsed to ~1e-6 once a term was in half of all passages).
 *
 * Okapi BM25 with k1 = 1.2, b = 0.75 and the always-positive idf
 * ln(1 + (N - n + 0.5) / (n + 0.5)); higher is better. Lengths are counted in
 * characters of title and text, the same way for a passage and for the mean.
 */

const K1 = 1.2;
const B = 0.75;

/** Words as the FTS tokenizer (unicode61, remove_diacritics 2) sees them: lower case, without diacritics. */
export function words(text: string): string[] {
  return (
    text
      .toLowerCase()
      .normalize("NFD")
      .replace(/\p{M}/gu, "")
      .match(/[\p{L}\p{N}]+/gu) ?? []
  );
}

/** The BM25 score of one passage (its title and text) for the query's terms, rounded to 6 decimals. */
export function bm25Score(terms: string[], passage: { title: string; text: string }, stats: IndexTermStats): number {
  const tokens = words(`${passage.title} ${passage.text}`);
  const length = passage.title.length + passage.text.length;
  const norm = K1 * (1 - B + (B * length) / (stats.meanChars || length || 1));
  let score = 0;
  for (const term of terms) {
    const normalized = words(term).join(" ");
    const tf = tokens.filter((t) => t === normalized).length;
    if (tf === 0) continue;
    const n = stats.passagesWith.get(term) ?? 0;
    const idf = Math.log(1 + (stats.passages - n + 0.5) / (n + 0.5));
    score += (idf * tf * (K1 + 1)) / (tf + norm);
  }
  return Math.round(score * 1e6) / 1e6;
}
