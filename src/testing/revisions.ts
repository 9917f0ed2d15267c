import canonicalize from "canonicalize";
import { fail } from "../lib/result";

/**
 * What sandboxes and test suites share as revisioned drafts: every save that
 * changes something is a new numbered revision, `If-Match: "<revision>"`
 * makes a save conditional on the revision it was based on, and a save that
 * changes nothing is no save at all.
 */

/** Null when a save may go on (no condition, or the current revision), else the 412 that refuses it. */
export function staleRevision(noun: "sandbox" | "test suite", expected: number | undefined, current: number) {
  if (expected === undefined || expected === current) return null;
  return fail("STALE_REVISION", `If-Match names revision ${expected}, but the ${noun} is at revision ${current}; read it again and reapply your change`, [
    { path: "header.if-match", message: `Not the current revision (${current})` },
  ]);
}

/** Whether a save would store exactly what is stored now (compared as canonical JSON): then it makes no revision. */
export function changesNothing<T extends Record<string, unknown>>(stored: T, saved: T): boolean {
  return canonicalize(stored) === canonicalize(saved);
}
