import type { Deps, Principal } from "../../context";
import type { Figures } from "../../metrics/figures";
import { getMetrics } from "../../metrics/metrics";
import { readOverview } from "../../releases/overview";
import { Layout, type SignedIn } from "../layout";
import { formatCount, formatLatency, formatPercent, formatUsd } from "./format";

export interface EnvironmentSummary {
  name: string;
  label: string;
  /** The last 24 hours, or null when the figures could not be read. */
  lastDay: Figures | null;
}

/** Every environment the key may read, in pipeline order, with its figures of the last 24 hours. */
export async function readEnvironmentSummaries(deps: Deps, principal: Principal): Promise<EnvironmentSummary[]> {
  const { environments } = await readOverview(deps, principal);
  return Promise.all(
    environments.map(async (env) => {
      const metrics = await getMetrics(deps, principal, { environment: env.name, bucket: "1d" });
      return { name: env.name, label: env.label, lastDay: metrics.ok ? metrics.value.overall : null };
    }),
  );
}

/** The entry to monitoring: one row per environment, linking to its charts and its executions. */
export function MonitoringIndexPage(props: { environments: EnvironmentSummary[]; signedIn: SignedIn }) {
  return (
    <Layout title="Monitoring" current="/monitoring" signedIn={props.signedIn}>
      <h1>Monitoring</h1>
      <p class="hint">Each environment keeps its own executions and metrics. Pick one to see its charts per release and its execution logs.</p>
      {props.environments.length === 0 ? (
        <p>This key may read no environment.</p>
      ) : (
        <section class="table-scroll" tabindex={0} aria-label="Environments">
          <table>
            <caption class="hint">Figures of the last 24 hours per environment</caption>
            <thead>
              <tr>
                <th scope="col">Environment</th>
                <th scope="col">Executions</th>
                <th scope="col">Error rate</th>
                <th scope="col">Latency p95</th>
                <th scope="col">Cost</th>
                <th scope="col">Logs</th>
              </tr>
            </thead>
            <tbody>
              {props.environments.map((env) => {
                const path = `/environments/${encodeURIComponent(env.name)}`;
                return (
                  <tr data-environment={env.name}>
                    <th scope="row">
                      <a href={`${path}/monitoring`}>{env.name}</a>
                      {env.label && env.label !== env.name ? <span class="meta">{env.label}</span> : null}
                    </th>
                    <td>{formatCount(env.lastDay?.executions ?? null)}</td>
                    <td>{formatPercent(env.lastDay?.error_rate ?? null)}</td>
                    <td>{formatLatency(env.lastDay?.latency_ms.p95 ?? null)}</td>
                    <td>{formatUsd(env.lastDay?.cost_usd ?? null)}</td>
                    <td>
                      <a href={`${path}/executions`} aria-label={`Executions in ${env.name}`}>
                        Executions
                      </a>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </section>
      )}
    </Layout>
  );
}
