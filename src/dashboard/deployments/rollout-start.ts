import { hasScope } from "../../access/permissions";
import type { Deps, Principal } from "../../context";
import type { EnvironmentRow } from "../../environments/repository";
import { LATEST } from "../../releases/release-repository";
import type { ReleaseView } from "../../releases/views";
import { StartRolloutBody } from "../../routes/rollouts/schemas";
import type { FormFields } from "../pages";
import { field } from "../pages";
import { liveReleasesIn, type ReleaseDetails, readReleaseDetails } from "./release";

export interface RolloutTarget {
  environment: EnvironmentRow;
  /** The release live there now: the stable side of a rollout. */
  live: ReleaseView | null;
}

export interface RolloutStartPlan {
  details: ReleaseDetails;
  targets: RolloutTarget[];
}

/** A key may roll a release out where it holds `promote`; into the release's own environment only when the release is not live there (rolling an earlier one back in). */
export const mayRollOutInto = (principal: Principal, release: ReleaseView, environment: EnvironmentRow) =>
  hasScope(principal, "promote", environment.id) && (environment.name !== release.environment || !release.tags.includes(LATEST));

/**
 * The environments a key may roll this release out into: those where it
 * holds `promote`; the release's own only when the release is not live there
 * (rolling an earlier release back in). Null when the key may not read the release.
 */
export async function readRolloutStartPlan(deps: Deps, principal: Principal, releaseId: string): Promise<RolloutStartPlan | null> {
  const details = await readReleaseDetails(deps, principal, releaseId);
  if (!details) return null;
  const { release, deployment, environments } = details;
  const eligible = environments.filter((e) => mayRollOutInto(principal, release, e));
  const live = await liveReleasesIn(deps, principal, deployment.id, eligible);
  return { details, targets: eligible.map((environment) => ({ environment, live: live.find((l) => l.environment.id === environment.id)?.release ?? null })) };
}

/** The rollout form's fields as typed, to show them again after a refusal. */
export interface RolloutFormValues {
  environment: string;
  mode: string;
  steps: string;
  percent: string;
  stickyBy: string;
  stickyKey: string;
  guard: Record<GuardField, string>;
}

export const GUARD_FIELDS = ["min_executions", "max_error_rate", "max_error_rate_increase", "max_p95_latency_ratio"] as const;
export type GuardField = (typeof GUARD_FIELDS)[number];

export const DEFAULT_FORM: RolloutFormValues = {
  environment: "",
  mode: "canary",
  steps: "5, 25, 50, 100",
  percent: "",
  stickyBy: "external_id",
  stickyKey: "",
  guard: { min_executions: "", max_error_rate: "", max_error_rate_increase: "", max_p95_latency_ratio: "" },
};

export function rolloutFormValues(form: FormFields): RolloutFormValues {
  return {
    environment: field(form, "environment"),
    mode: field(form, "mode"),
    steps: field(form, "steps"),
    percent: field(form, "percent"),
    stickyBy: field(form, "sticky_by"),
    stickyKey: field(form, "sticky_key"),
    guard: Object.fromEntries(GUARD_FIELDS.map((name) => [name, field(form, `guard_${name}`)])) as Record<GuardField, string>,
  };
}

/** A typed number, or NaN for the schema to refuse. */
const numberOf = (text: string) => (text === "" ? Number.NaN : Number(text));

/**
 * The form as the body of POST /v1/deployments/{id}/rollouts, checked by the
 * same schema: only the fields of the chosen mode are sent, and the guard only
 * when a threshold is typed (otherwise the mode's defaults apply).
 */
export function rolloutBody(releaseId: string, values: RolloutFormValues) {
  const mode = values.mode;
  const typedGuard = GUARD_FIELDS.filter((name) => values.guard[name] !== "");
  const sticky =
    values.stickyBy === "metadata"
      ? { type: "metadata", key: values.stickyKey }
      : values.stickyBy === "header"
        ? { type: "header", name: values.stickyKey }
        : { type: "external_id" };
  return StartRolloutBody.safeParse({
    release_id: releaseId,
    mode,
    steps:
      mode === "canary"
        ? values.steps
            .split(",")
            .map((step) => step.trim().replace(/%$/, ""))
            .filter((step) => step !== "")
            .map((step) => ({ percent: numberOf(step) }))
        : undefined,
    percent: mode !== "canary" && values.percent !== "" ? numberOf(values.percent.replace(/%$/, "")) : undefined,
    sticky_by: sticky,
    guard: mode !== "shadow" && typedGuard.length ? Object.fromEntries(typedGuard.map((name) => [name, numberOf(values.guard[name])])) : undefined,
  });
}
