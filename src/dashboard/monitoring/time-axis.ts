import { HOUR_MS } from "../../metrics/rollup-repository";
import type { AxisTick } from "./line-chart";

const DAY_MS = 24 * HOUR_MS;

const monthDay = (ms: number) => {
  const d = new Date(ms);
  return `${d.toLocaleString("en-US", { month: "short", timeZone: "UTC" })} ${d.getUTCDate()}`;
};

/**
 * Ticks of the time axis for a range, in UTC like the metrics buckets:
 * every 6 hours for a day ("12:00", the date at midnight), every day for a
 * week, every 5 days for longer ranges.
 *
 * @example
 * timeTicks(Date.parse("2026-12-01T00:00Z"), Date.parse("2026-12-02T00:00Z")); // Dec 1, 06:00, 12:00, 18:00, Dec 2
 */
export function timeTicks(from: number, to: number): AxisTick[] {
  const span = to - from;
  const step = span <= 2 * DAY_MS ? 6 * HOUR_MS : span <= 10 * DAY_MS ? DAY_MS : 5 * DAY_MS;
  const ticks: AxisTick[] = [];
  for (let at = Math.ceil(from / step) * step; at <= to; at += step) {
    const midnight = at % DAY_MS === 0;
    ticks.push({ at, label: step < DAY_MS && !midnight ? `${String(new Date(at).getUTCHours()).padStart(2, "0")}:00` : monthDay(at) });
  }
  return ticks;
}
