import type { EnvironmentView } from "../../environments/environments";
import { activeFreeze } from "../../releases/promotion-policy";

/** "at least 90% of each suite's cases pass", or "none". */
export function testGateSummary(gate: EnvironmentView["test_gate"]): string {
  if (!gate) return "none";
  const rate = `${Math.round(gate.min_pass_rate * 1000) / 10}%`;
  return `${rate} of each suite's cases must pass; deployments without tests ${gate.untested === "allow" ? "pass untested" : "are refused"}`;
}

/** A readable UTC time for a freeze window's bounds ("2026-12-24 00:00 UTC"). */
export function utcText(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : `${date.toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

/** Whether a freeze is in force now (with its end), how many windows are set otherwise. */
export function FreezeSummary(props: { windows: EnvironmentView["freeze_windows"]; now: Date }) {
  const active = activeFreeze({ freezeWindows: props.windows }, props.now);
  if (active) {
    return (
      <span class="env-frozen">
        Frozen until <time datetime={active.ends_at}>{utcText(active.ends_at)}</time>
      </span>
    );
  }
  const upcoming = props.windows.filter((w) => Date.parse(w.ends_at) > props.now.getTime()).length;
  if (upcoming === 0) return <span class="none">no freeze planned</span>;
  return <span>{upcoming === 1 ? "1 freeze window planned" : `${upcoming} freeze windows planned`}</span>;
}
