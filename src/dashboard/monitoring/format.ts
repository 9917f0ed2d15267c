/** How the monitoring pages write figures: a dash for "no data", never "null" or "NaN". */

export const NO_DATA = "–";

/** "1,234" */
export function formatCount(value: number | null): string {
  return value === null ? NO_DATA : Math.round(value).toLocaleString("en-US");
}

/** "2.5%"; `rate` is a fraction (0.025). */
export function formatPercent(rate: number | null): string {
  if (rate === null) return NO_DATA;
  const percent = rate * 100;
  return `${percent === 0 || percent >= 10 ? percent.toFixed(0) : percent.toFixed(1)}%`;
}

/** "0.5 ms", "840 ms", "1.24 s". */
export function formatLatency(ms: number | null): string {
  if (ms === null) return NO_DATA;
  if (ms < 10 && !Number.isInteger(ms)) return `${ms.toFixed(1)} ms`;
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
}

/** "$0.0042", "$12.30": small amounts keep enough digits to differ from zero. */
export function formatUsd(usd: number | null): string {
  if (usd === null) return NO_DATA;
  if (usd === 0) return "$0";
  if (usd < 0.01) return `$${usd.toPrecision(2)}`;
  return `$${usd.toFixed(2)}`;
}

/** A quality score (0–1) with two decimals. */
export function formatScore(score: number | null): string {
  return score === null ? NO_DATA : score.toFixed(2);
}

/** "Dec 1, 14:00 UTC": the instant in UTC, as the metrics buckets are aligned. */
export function formatUtc(ms: number): string {
  const d = new Date(ms);
  const month = d.toLocaleString("en-US", { month: "short", timeZone: "UTC" });
  return `${month} ${d.getUTCDate()}, ${String(d.getUTCHours()).padStart(2, "0")}:${String(d.getUTCMinutes()).padStart(2, "0")} UTC`;
}
