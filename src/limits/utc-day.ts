const DAY_MS = 86_400_000;

/** The UTC day of `at`, as `YYYY-MM-DD`: the unit a daily budget counts in. */
export function utcDay(at: Date): string {
  return at.toISOString().slice(0, 10);
}

/** The first and the last millisecond after a UTC day: `[start, end)`, in milliseconds since the epoch. */
export function utcDayBounds(day: string): { start: number; end: number } {
  const start = Date.parse(`${day}T00:00:00.000Z`);
  return { start, end: start + DAY_MS };
}

/** When the UTC day after `day` begins, as an ISO instant. */
export function nextUtcDayStart(day: string): string {
  return new Date(utcDayBounds(day).end).toISOString();
}
