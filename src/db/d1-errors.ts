/** The messages D1 (SQLite) gives for the constraint failures services rely on. */

function messages(error: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = error; e instanceof Error; e = e.cause) parts.push(e.message);
  return parts.join(" | ");
}

/** True when a statement failed a UNIQUE index on exactly these `table.column` names. */
export function isUniqueViolation(error: unknown, columns: string): boolean {
  return messages(error).includes(`UNIQUE constraint failed: ${columns}`);
}

export function isForeignKeyViolation(error: unknown): boolean {
  return messages(error).includes("FOREIGN KEY constraint failed");
}

/** Raised by a `guard` statement whose condition did not hold (see `db/batch.ts`). */
export function isGuardViolation(error: unknown): boolean {
  return messages(error).includes("malformed JSON");
}
