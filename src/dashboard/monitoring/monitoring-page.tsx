import type { Figures } from "../../metrics/figures";
import type { BucketFigures } from "../../metrics/metrics";
import { Layout, type SignedIn } from "../layout";
import { age } from "../overview-page";
import { type EnvironmentMonitoring, MAX_SERIES, type MonitoringWindow, WINDOWS } from "./environment-monitoring";
import { formatCount, formatLatency, formatPercent, formatScore, formatUsd, formatUtc } from "./format";
import { type ChartMarker, type ChartSeries, LineChart, MarkerSwatch, SeriesSwatch } from "./line-chart";
import { type CatalogRelease, releaseLabel } from "./release-catalog";
import { timeTicks } from "./time-axis";

const encode = encodeURIComponent;

/** The address of an environment's monitoring page with these choices. */
export function monitoringHref(environment: string, window: MonitoringWindow, deployment: string | null): string {
  const query = new URLSearchParams({ window });
  if (deployment) query.set("deployment", deployment);
  return `/environments/${encode(environment)}/monitoring?${query}`;
}

/** The charts of the page: which figure of a bucket each draws, and how its values read. */
const CHARTS: { id: string; title: string; value: (b: BucketFigures) => number | null; format: (v: number) => string; minTop?: number; needsQuality?: true }[] = [
  { id: "executions", title: "Executions", value: (b) => b.executions, format: formatCount },
  { id: "error-rate", title: "Error rate", value: (b) => b.error_rate, format: formatPercent },
  { id: "latency-p50", title: "Latency p50", value: (b) => b.latency_ms.p50, format: formatLatency },
  { id: "latency-p95", title: "Latency p95", value: (b) => b.latency_ms.p95, format: formatLatency },
  { id: "latency-p99", title: "Latency p99", value: (b) => b.latency_ms.p99, format: formatLatency },
  { id: "cost", title: "Cost", value: (b) => (b.executions > 0 ? b.cost_usd : null), format: formatUsd },
  { id: "quality", title: "Quality", value: (b) => b.quality.mean, format: formatScore, minTop: 1, needsQuality: true },
];

function markerLabel(release: CatalogRelease, withDeployment: boolean): string {
  const label = releaseLabel(release, withDeployment);
  return release.source === "revert" ? `${label} revert` : label;
}

function Summary(props: { figures: Figures }) {
  const f = props.figures;
  const items: [string, string, string][] = [
    ["executions", "Executions", formatCount(f.executions)],
    ["error-rate", "Error rate", formatPercent(f.error_rate)],
    ["p50", "Latency p50", formatLatency(f.latency_ms.p50)],
    ["p95", "Latency p95", formatLatency(f.latency_ms.p95)],
    ["p99", "Latency p99", formatLatency(f.latency_ms.p99)],
    ["cost", "Cost", formatUsd(f.cost_usd)],
    ["tokens", "Tokens in / out", `${formatCount(f.input_tokens)} / ${formatCount(f.output_tokens)}`],
    ["quality", "Mean quality", f.quality.count > 0 ? `${formatScore(f.quality.mean)} (${f.quality.count} ${f.quality.count === 1 ? "score" : "scores"})` : "no scores yet"],
  ];
  return (
    <dl class="mon-figures">
      {items.map(([key, label, value]) => (
        <div data-figure={key}>
          <dt>{label}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}

function Controls(props: { data: EnvironmentMonitoring }) {
  const { data } = props;
  const env = data.environment.name;
  return (
    <div class="mon-controls">
      <nav aria-label="Time window">
        <ul class="mon-windows">
          {(Object.keys(WINDOWS) as MonitoringWindow[]).map((w) => (
            <li>
              <a href={monitoringHref(env, w, data.deployment?.name ?? null)} aria-current={w === data.window ? "page" : undefined}>
                Last {WINDOWS[w].label}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      {data.catalog.deployments.length > 0 ? (
        <form method="get" action={`/environments/${encode(env)}/monitoring`} class="mon-filters">
          <input type="hidden" name="window" value={data.window} />
          <label for="deployment">Deployment</label>
          <select id="deployment" name="deployment">
            <option value="">All deployments</option>
            {data.catalog.deployments.map((d) => (
              <option value={d.name} selected={d.id === data.deployment?.id}>
                {d.name}
              </option>
            ))}
          </select>
          <button type="submit">Show</button>
        </form>
      ) : null}
    </div>
  );
}

function Legend(props: { labels: string[]; markers: boolean }) {
  return (
    <ul class="mon-legend" aria-label="Legend">
      {props.labels.map((label, i) => (
        <li>
          <SeriesSwatch index={i} />
          {label}
        </li>
      ))}
      {props.markers ? (
        <>
          <li>
            <MarkerSwatch revert={false} />
            release created
          </li>
          <li>
            <MarkerSwatch revert={true} />
            revert
          </li>
        </>
      ) : null}
    </ul>
  );
}

function ReleaseTable(props: { data: EnvironmentMonitoring; withDeployment: boolean }) {
  const env = props.data.environment.name;
  return (
    <section class="table-scroll" tabindex={0} aria-label="Figures per release">
      <table class="mon-per-release">
        <caption class="hint">Figures per release over the last {WINDOWS[props.data.window].label}</caption>
        <thead>
          <tr>
            <th scope="col">Release</th>
            <th scope="col">Executions</th>
            <th scope="col">Error rate</th>
            <th scope="col">p50</th>
            <th scope="col">p95</th>
            <th scope="col">p99</th>
            <th scope="col">Cost</th>
            <th scope="col">Quality</th>
            <th scope="col">Logs</th>
          </tr>
        </thead>
        <tbody>
          {props.data.series.map(({ release, overall }) => (
            <tr data-release={release.id}>
              <th scope="row">
                <a href={`/releases/${encode(release.id)}`}>{releaseLabel(release, props.withDeployment)}</a>
              </th>
              <td>{formatCount(overall.executions)}</td>
              <td>{formatPercent(overall.error_rate)}</td>
              <td>{formatLatency(overall.latency_ms.p50)}</td>
              <td>{formatLatency(overall.latency_ms.p95)}</td>
              <td>{formatLatency(overall.latency_ms.p99)}</td>
              <td>{formatUsd(overall.cost_usd)}</td>
              <td>{overall.quality.count > 0 ? formatScore(overall.quality.mean) : "–"}</td>
              <td>
                <a
                  href={`/environments/${encode(env)}/executions?${new URLSearchParams({ deployment: release.deploymentName, release_id: release.id })}`}
                  aria-label={`Executions of ${releaseLabel(release, true)}`}
                >
                  Executions
                </a>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

/** One environment's monitoring: figures of the window, charts per release with releases marked, and figures per release. */
export function MonitoringPage(props: { data: EnvironmentMonitoring; signedIn: SignedIn; now: Date }) {
  const { data } = props;
  const env = data.environment.name;
  const window = WINDOWS[data.window].label;
  // Releases of several deployments need the deployment's name to be told apart.
  const withDeployment = data.deployment === null && data.catalog.deployments.length > 1;
  const labels = data.series.map((s) => releaseLabel(s.release, withDeployment));
  const markers: ChartMarker[] = data.releasesInWindow.map((r) => ({ at: Date.parse(r.createdAt), label: markerLabel(r, withDeployment), revert: r.source === "revert" }));
  const periods = data.buckets.map((b) => ({ start: Date.parse(b.start), end: Date.parse(b.end) }));
  const ticks = timeTicks(data.from, data.to);
  const hasQuality = data.overall.quality.count > 0;
  const scope = data.deployment ? `${data.deployment.name} in ${env}` : env;
  return (
    <Layout title={`Monitoring ${env}`} current="/monitoring" signedIn={props.signedIn}>
      <p class="mon-crumbs">
        <a href="/monitoring">Monitoring</a> / <a href={`/environments/${encode(env)}`}>{env}</a>
      </p>
      <h1>Monitoring: {env}</h1>
      <p class="hint">
        Executions, errors, latency, cost and quality of {scope} over the last {window}, one line per release. Times are in UTC; executions arrive within a few seconds of each
        call. <a href={`/environments/${encode(env)}/executions${data.deployment ? `?deployment=${encode(data.deployment.name)}` : ""}`}>See every execution</a>
      </p>
      <Controls data={data} />
      <h2>Last {window}</h2>
      <Summary figures={data.overall} />
      {data.overall.executions === 0 && !hasQuality ? (
        <p class="notice">
          No executions in {scope} in the last {window}. Invoke a deployment with a key of this environment and its figures appear here.
        </p>
      ) : null}
      <h2>Over time, per release</h2>
      {data.omittedSeries > 0 ? (
        <p class="hint">
          The charts show the {MAX_SERIES} newest releases with executions; {data.omittedSeries} older ones count in the totals only.
        </p>
      ) : null}
      <Legend labels={labels} markers={markers.length > 0} />
      <div class="mon-charts">
        {CHARTS.filter((chart) => !chart.needsQuality || hasQuality).map((chart) => {
          const series: ChartSeries[] = data.series.map((s, i) => ({ label: labels[i]!, values: s.buckets.map(chart.value) }));
          return (
            <LineChart
              id={`chart-${chart.id}`}
              title={chart.title}
              description={`per release, last ${window}`}
              from={data.from}
              to={data.to}
              periods={periods}
              xTicks={ticks}
              series={series}
              markers={markers}
              format={chart.format}
              {...(chart.minTop !== undefined ? { minTop: chart.minTop } : {})}
            />
          );
        })}
      </div>
      {hasQuality ? null : (
        <p class="hint">
          No quality scores in this window: quality appears once completion actuals (feedback) are submitted for executions, or a test suite with evaluators runs against a release.
        </p>
      )}
      <h2>Releases in this window</h2>
      {data.releasesInWindow.length === 0 ? (
        <p>
          No release was created in {scope} in the last {window}.
        </p>
      ) : (
        <ul class="mon-events">
          {data.releasesInWindow.map((r) => (
            <li data-release-event={r.id}>
              <a href={`/releases/${encode(r.id)}`}>{releaseLabel(r, true)}</a>{" "}
              {r.source === "revert" ? `reverted to v${r.restoredVersion ?? "?"}` : r.source === "promotion" ? "promoted" : "deployed"},{" "}
              <time datetime={r.createdAt} title={formatUtc(Date.parse(r.createdAt))}>
                {age(r.createdAt, props.now)}
              </time>
            </li>
          ))}
        </ul>
      )}
      {data.series.length > 0 ? (
        <>
          <h2>Per release</h2>
          <ReleaseTable data={data} withDeployment={withDeployment} />
        </>
      ) : null}
    </Layout>
  );
}
