import type { StickyBy } from "../db/schema";

/** The split is decided in ten-thousandths, so a step of 0.01% is honoured exactly. */
export const SPLIT_BUCKETS = 10_000;

/** What a request offers as its subject: the end user it is for, as the rollout's `sticky_by` names it. */
export interface SubjectSource {
  external_id?: string | null | undefined;
  metadata?: Record<string, unknown> | null | undefined;
  headers?: Headers | undefined;
}

/** The request's subject under `stickyBy` (Vellum's external_id when the rollout names none), or null when it carries none. */
export function subjectOf(stickyBy: StickyBy | null, source: SubjectSource): string | null {
  const by = stickyBy ?? { type: "external_id" };
  let value: unknown;
  if (by.type === "external_id") value = source.external_id;
  else if (by.type === "metadata") value = source.metadata?.[by.key];
  else value = source.headers?.get(by.name);
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return typeof value === "string" && value !== "" ? value : null;
}

/**
 * The subject's bucket, 0 ≤ bucket < SPLIT_BUCKETS: FNV-1a over the salt and
 * the subject, then MurmurHash3's finalizer so that every bit of the input
 * reaches the low bits the modulo keeps. The same (salt, subject) always
 * lands in the same bucket, in every isolate.
 */
export function bucketOf(salt: string, subject: string): number {
  let hash = 0x811c9dc5;
  const text = `${salt}\u0000${subject}`;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  hash ^= hash >>> 16;
  return (hash >>> 0) % SPLIT_BUCKETS;
}

/**
 * Whether a request goes to the candidate at `percent` (0–100): its
 * subject's bucket is below the percentage. A subject's bucket never
 * changes during a rollout, and the threshold only rises, so a subject that
 * met the candidate keeps meeting it. Without a subject, the draw is random.
 */
export function meetsCandidate(percent: number, salt: string, subject: string | null, random: () => number = Math.random): boolean {
  const bucket = subject === null ? Math.floor(random() * SPLIT_BUCKETS) : bucketOf(salt, subject);
  return bucket < Math.round(percent * (SPLIT_BUCKETS / 100));
}
