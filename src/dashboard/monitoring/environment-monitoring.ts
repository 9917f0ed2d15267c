import type { Deps, Principal } from "../../context";
import { type EnvironmentView, getEnvironment } from "../../environments/environments";
import { fail, ok, type Result } from "../../lib/result";
import type { Figures } from "../../metrics/figures";
import { type BucketFigures, getMetrics, type MetricsBucket } from "../../metrics/metrics";
import { HOUR_MS } from "../../metrics/rollup-repository";
import { type CatalogRelease, type ReleaseCatalog, readReleaseCatalog } from "./release-catalog";

/** The windows the monitoring page offers, each with the bucket width that gives it 24 to 30 points. */
export const WINDOWS = {
  "24h": { label: "24 hours", ms: 24 * HOUR_MS, bucket: "1h" },
  "7d": { label: "7 days", ms: 7 * 24 * HOUR_MS, bucket: "6h" },
  "30d": { label: "30 days", ms: 30 * 24 * HOUR_MS, bucket: "1d" },
} as const satisfies Record<string, { label: string; ms: number; bucket: MetricsBucket }>;
export type MonitoringWindow = keyof typeof WINDOWS;

export const isWindow = (value: string | undefined): value is MonitoringWindow => value !== undefined && value in WINDOWS;

/** Releases drawn as their own series at most; the others still count in the totals. */
export const MAX_SERIES = 8;

/** One release's figures over the window, in total and per bucket. */
export interface ReleaseSeries {
  release: CatalogRelease;
  overall: Figures;
  buckets: BucketFigures[];
}

export interface EnvironmentMonitoring {
  environment: EnvironmentView;
  window: MonitoringWindow;
  catalog: ReleaseCatalog;
  /** The deployment the page is limited to, if any. */
  deployment: { id: string; name: string } | null;
  from: number;
  to: number;
  overall: Figures;
  /** Every bucket of the window: the periods of the charts. */
  buckets: BucketFigures[];
  /** The releases with executions in the window, oldest first, at most MAX_SERIES. */
  series: ReleaseSeries[];
  /** How many releases with executions are left out of the charts. */
  omittedSeries: number;
  /** Releases created in the window (of the deployment, if one is chosen), oldest first: the markers. */
  releasesInWindow: CatalogRelease[];
}

/**
 * What the monitoring page of one environment shows, read through the same
 * function as GET /v1/metrics: the window's figures per bucket, the figures of
 * each release per bucket, and the releases created in the window.
 */
export async function readEnvironmentMonitoring(
  deps: Deps,
  principal: Principal,
  name: string,
  options: { window: MonitoringWindow; deployment?: string | undefined },
): Promise<Result<EnvironmentMonitoring>> {
  const environment = await getEnvironment(deps, principal, name);
  if (!environment.ok) return environment;
  const catalog = await readReleaseCatalog(deps, principal, environment.value);
  if (!catalog.ok) return catalog;
  const deployment = options.deployment ? (catalog.value.deployments.find((d) => d.name === options.deployment) ?? null) : null;
  if (options.deployment && !deployment) return fail("NOT_FOUND", `No deployment "${options.deployment}" in ${name}`);

  const { bucket, ms } = WINDOWS[options.window];
  const to = deps.now().getTime();
  const query = { environment: name, deployment: deployment?.id, from: new Date(to - ms).toISOString(), to: new Date(to).toISOString(), bucket };
  const metrics = await getMetrics(deps, principal, { ...query, group_by: "release" });
  if (!metrics.ok) return metrics;

  const withExecutions = (metrics.value.releases ?? [])
    .map((r) => ({ figures: r, release: r.release_id ? catalog.value.byId.get(r.release_id) : undefined }))
    .filter((r): r is { figures: typeof r.figures; release: CatalogRelease } => r.release !== undefined)
    .sort((a, b) => a.release.createdAt.localeCompare(b.release.createdAt) || a.release.id.localeCompare(b.release.id));
  // The newest releases matter most when there are too many to draw.
  const drawn = withExecutions.slice(-MAX_SERIES);
  const perRelease = await Promise.all(drawn.map((r) => getMetrics(deps, principal, { ...query, release: r.release.id })));
  const series: ReleaseSeries[] = [];
  for (const [i, result] of perRelease.entries()) {
    if (!result.ok) return result;
    series.push({ release: drawn[i]!.release, overall: drawn[i]!.figures, buckets: result.value.buckets });
  }

  const from = Date.parse(metrics.value.from);
  const end = Date.parse(metrics.value.to);
  const releasesInWindow = catalog.value.releases
    .filter((r) => (!deployment || r.deploymentId === deployment.id) && Date.parse(r.createdAt) >= from && Date.parse(r.createdAt) <= end)
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  return ok({
    environment: environment.value,
    window: options.window,
    catalog: catalog.value,
    deployment,
    from,
    to: end,
    overall: metrics.value.overall,
    buckets: metrics.value.buckets,
    series,
    omittedSeries: withExecutions.length - drawn.length,
    releasesInWindow,
  });
}
