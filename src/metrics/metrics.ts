import { resolveEnvironment } from "../access/permissions";
import type { Deps, Principal } from "../context";
import type { EnvironmentRow } from "../environments/repository";
import { fail, ok, type Result } from "../lib/result";
import { findDeploymentByIdOrName } from "../releases/deployment-repository";
import { findLatestRelease, findRelease } from "../releases/release-repository";
import { type Figures, FiguresAccumulator } from "./figures";
import { HOUR_MS, histogramByRelease, histogramBySlot, type RollupFilter, sumRollups } from "./rollup-repository";

/** Time bucket widths; every bucket starts at a multiple of its width since the epoch, i.e. aligned in UTC. */
export const METRICS_BUCKETS = { "1h": HOUR_MS, "6h": 6 * HOUR_MS, "1d": 24 * HOUR_MS } as const;
export type MetricsBucket = keyof typeof METRICS_BUCKETS;

/** The longest range one query may cover. */
export const MAX_METRICS_RANGE_DAYS = 92;
const DEFAULT_RANGE_MS = 24 * HOUR_MS;

export interface MetricsQuery {
  environment?: string | undefined;
  /** Deployment id or name. */
  deployment?: string | undefined;
  /** Release id. */
  release?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
  bucket: MetricsBucket;
  group_by?: "release" | undefined;
}

export interface MetricsRange {
  requestedFrom: number;
  requestedTo: number;
  /** The requested range rounded outward to whole hours: the one the figures describe. */
  from: number;
  to: number;
}

const rangeError = (message: string) => fail("VALIDATION_FAILED", `Invalid query.from: ${message}`, [{ path: "query.from", message }]);

/**
 * The range a query covers: `to` defaults to now and `from` to 24 hours
 * before `to`. Rollups have a grain of one hour, so the range is widened to
 * whole hours (the response says which).
 */
export function resolveRange(now: Date, from: string | undefined, to: string | undefined): Result<MetricsRange> {
  const requestedTo = to === undefined ? now.getTime() : Date.parse(to);
  if (Number.isNaN(requestedTo)) return fail("VALIDATION_FAILED", "Invalid query.to", [{ path: "query.to", message: "Not a date-time" }]);
  const requestedFrom = from === undefined ? requestedTo - DEFAULT_RANGE_MS : Date.parse(from);
  if (Number.isNaN(requestedFrom)) return rangeError("Not a date-time");
  if (requestedFrom >= requestedTo) return rangeError(to === undefined ? "Must be in the past (before `to`, which defaults to now)" : "Must be before `to`");
  if (requestedTo - requestedFrom > MAX_METRICS_RANGE_DAYS * 24 * HOUR_MS) return rangeError(`The range from \`from\` to \`to\` may span at most ${MAX_METRICS_RANGE_DAYS} days`);
  return ok({
    requestedFrom,
    requestedTo,
    from: Math.floor(requestedFrom / HOUR_MS) * HOUR_MS,
    to: Math.ceil(requestedTo / HOUR_MS) * HOUR_MS,
  });
}

/** The deployment and release a query is limited to; another environment's count as missing. */
async function resolveFilter(deps: Deps, env: EnvironmentRow, query: MetricsQuery): Promise<Result<{ deploymentId?: string; releaseId?: string }>> {
  const workspaceId = env.workspaceId;
  let deploymentId: string | undefined;
  if (query.deployment !== undefined) {
    const deployment = await findDeploymentByIdOrName(deps.db, workspaceId, query.deployment);
    // A deployment is part of an environment once it has a release there.
    if (!deployment || !(await findLatestRelease(deps.db, workspaceId, deployment.id, env.id))) {
      return fail("NOT_FOUND", `No deployment "${query.deployment}" in ${env.name}`, [{ path: "query.deployment", message: "Unknown deployment" }]);
    }
    deploymentId = deployment.id;
  }
  if (query.release === undefined) return ok(deploymentId ? { deploymentId } : {});
  const release = await findRelease(deps.db, workspaceId, query.release);
  if (!release || release.environmentId !== env.id || (deploymentId !== undefined && release.deploymentId !== deploymentId)) {
    return fail("NOT_FOUND", `No release "${query.release}" in ${env.name}${deploymentId ? ` of deployment "${query.deployment}"` : ""}`, [
      { path: "query.release", message: "Unknown release" },
    ]);
  }
  return ok({ ...(deploymentId ? { deploymentId } : {}), releaseId: release.id });
}

export type BucketFigures = { start: string; end: string } & Figures;
export type ReleaseFigures = { deployment_id: string | null; release_id: string | null } & Figures;

export interface MetricsView {
  environment: string;
  deployment_id: string | null;
  release_id: string | null;
  from: string;
  to: string;
  requested: { from: string; to: string };
  bucket: MetricsBucket;
  overall: Figures;
  buckets: BucketFigures[];
  releases?: ReleaseFigures[];
}

const iso = (ms: number) => new Date(ms).toISOString();
/** Rollups store a missing deployment or release as ''. */
const orNull = (id: string) => (id === "" ? null : id);

/**
 * An environment's execution metrics over a range: overall, per time bucket
 * (every bucket of the range, empty ones included) and, with
 * `group_by=release`, per release. Reads only the hourly rollups and latency
 * histograms, never `executions`, so its cost grows with the number of hours
 * and releases in the range, not with the number of executions.
 */
export async function getMetrics(deps: Deps, principal: Principal, query: MetricsQuery): Promise<Result<MetricsView>> {
  const range = resolveRange(deps.now(), query.from, query.to);
  if (!range.ok) return range;
  const env = await resolveEnvironment(deps, principal, query.environment, "read");
  if (!env.ok) return env;
  const filter = await resolveFilter(deps, env.value, query);
  if (!filter.ok) return filter;

  const { from, to } = range.value;
  const slotMs = METRICS_BUCKETS[query.bucket];
  const rollupFilter: RollupFilter = { workspaceId: principal.workspaceId, environmentId: env.value.id, from, to, ...filter.value };
  const byRelease = query.group_by === "release";
  const db = deps.db;
  const [sums, slotHistogram, releaseHistogram] = byRelease
    ? await db.batch([sumRollups(db, rollupFilter, slotMs), histogramBySlot(db, rollupFilter, slotMs), histogramByRelease(db, rollupFilter)])
    : [...(await db.batch([sumRollups(db, rollupFilter, slotMs), histogramBySlot(db, rollupFilter, slotMs)])), []];

  const overall = new FiguresAccumulator();
  // Every slot of the range, clipped to it: the first and last may be partial for 6h and 1d buckets.
  const slots = new Map<number, { start: number; end: number; figures: FiguresAccumulator }>();
  for (let slot = Math.floor(from / slotMs) * slotMs; slot < to; slot += slotMs) {
    slots.set(slot, { start: Math.max(slot, from), end: Math.min(slot + slotMs, to), figures: new FiguresAccumulator() });
  }
  const releases = new Map<string, { deploymentId: string; releaseId: string; figures: FiguresAccumulator }>();
  const releaseEntry = (deploymentId: string, releaseId: string) => {
    const key = `${deploymentId}\n${releaseId}`;
    let entry = releases.get(key);
    if (!entry) {
      entry = { deploymentId, releaseId, figures: new FiguresAccumulator() };
      releases.set(key, entry);
    }
    return entry.figures;
  };

  for (const row of sums) {
    overall.addSums(row);
    slots.get(Number(row.slot))?.figures.addSums(row);
    if (byRelease) releaseEntry(row.deploymentId, row.releaseId).addSums(row);
  }
  for (const row of slotHistogram) {
    overall.addLatencies(row.latencyBucket, row.count);
    slots.get(Number(row.slot))?.figures.addLatencies(row.latencyBucket, row.count);
  }
  for (const row of releaseHistogram) releaseEntry(row.deploymentId, row.releaseId).addLatencies(row.latencyBucket, row.count);

  return ok({
    environment: env.value.name,
    deployment_id: filter.value.deploymentId ?? null,
    release_id: filter.value.releaseId ?? null,
    from: iso(from),
    to: iso(to),
    requested: { from: iso(range.value.requestedFrom), to: iso(range.value.requestedTo) },
    bucket: query.bucket,
    overall: overall.figures(),
    buckets: [...slots.values()].map((s) => ({ start: iso(s.start), end: iso(s.end), ...s.figures.figures() })),
    ...(byRelease
      ? {
          releases: [...releases.values()]
            // Ids are time-ordered, so this lists each deployment's releases oldest first.
            .sort((a, b) => (a.deploymentId === b.deploymentId ? (a.releaseId < b.releaseId ? -1 : 1) : a.deploymentId < b.deploymentId ? -1 : 1))
            .map((r) => ({ deployment_id: orNull(r.deploymentId), release_id: orNull(r.releaseId), ...r.figures.figures() })),
        }
      : {}),
  });
}
