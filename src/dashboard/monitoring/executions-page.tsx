import { Layout, type SignedIn } from "../layout";
import { age } from "../overview-page";
import { type ExecutionFilters, type ExecutionsList, type ExecutionView, filterQuery, NO_FILTERS, PAGE_SIZE } from "./executions";
import { formatCount, formatLatency, formatScore, formatUsd, formatUtc } from "./format";
import { releaseLabel } from "./release-catalog";

const encode = encodeURIComponent;

export const STATUS_LABELS = { FULFILLED: "Succeeded", REJECTED: "Failed" } as const;

export function StatusBadge(props: { status: ExecutionView["status"] }) {
  return <span class={props.status === "FULFILLED" ? "mon-status ok" : "mon-status failed"}>{STATUS_LABELS[props.status]}</span>;
}

function FilterForm(props: { list: ExecutionsList; filters: ExecutionFilters }) {
  const { list, filters } = props;
  const action = `/environments/${encode(list.environment.name)}/executions`;
  const deployments = list.catalog.deployments;
  return (
    <form method="get" action={action} class="mon-filters" aria-label="Filter executions">
      <div class="mon-filter">
        <label for="filter-deployment">Deployment</label>
        <select id="filter-deployment" name="deployment">
          <option value="">All deployments</option>
          {deployments.map((d) => (
            <option value={d.name} selected={d.name === filters.deployment}>
              {d.name}
            </option>
          ))}
        </select>
      </div>
      <div class="mon-filter">
        <label for="filter-release">Release</label>
        <select id="filter-release" name="release_id">
          <option value="">All releases</option>
          {deployments.map((d) => (
            <optgroup label={d.name}>
              {list.catalog.releases
                .filter((r) => r.deploymentId === d.id)
                .map((r) => (
                  <option value={r.id} selected={r.id === filters.release_id}>
                    {`${releaseLabel(r, true)}${r.source === "revert" ? " (revert)" : ""}`}
                  </option>
                ))}
            </optgroup>
          ))}
        </select>
      </div>
      <div class="mon-filter">
        <label for="filter-status">Status</label>
        <select id="filter-status" name="status">
          <option value="">Any status</option>
          <option value="FULFILLED" selected={filters.status === "FULFILLED"}>
            Succeeded
          </option>
          <option value="REJECTED" selected={filters.status === "REJECTED"}>
            Failed
          </option>
        </select>
      </div>
      <div class="mon-filter">
        <label for="filter-from">From (UTC)</label>
        <input type="date" id="filter-from" name="from" value={filters.from} />
      </div>
      <div class="mon-filter">
        <label for="filter-to">To (UTC)</label>
        <input type="date" id="filter-to" name="to" value={filters.to} />
      </div>
      <div class="mon-filter-actions">
        <button type="submit">Apply filters</button>
        <a href={action}>Clear</a>
      </div>
    </form>
  );
}

/** The first input's value, shortened: enough to recognise an execution in the list. */
function inputPreview(execution: ExecutionView): string {
  const first = Array.isArray(execution.inputs) ? (execution.inputs[0] as { value?: unknown } | undefined) : undefined;
  if (first?.value === undefined) return "–";
  const text = typeof first.value === "string" ? first.value : JSON.stringify(first.value);
  return text.length > 60 ? `${text.slice(0, 59)}…` : text;
}

function tokens(execution: ExecutionView): string {
  if (!execution.usage) return "–";
  return `${formatCount(execution.usage.input_tokens)} / ${formatCount(execution.usage.output_tokens)}`;
}

function ExecutionsTable(props: { list: ExecutionsList; executions: ExecutionView[]; now: Date }) {
  const { catalog } = props.list;
  const withDeployment = catalog.deployments.length > 1;
  return (
    <section class="table-scroll" tabindex={0} aria-label="Executions">
      <table class="mon-executions">
        <caption class="hint">Executions, newest first</caption>
        <thead>
          <tr>
            <th scope="col">Execution</th>
            <th scope="col">Started</th>
            <th scope="col">Input</th>
            <th scope="col">Status</th>
            <th scope="col">Release</th>
            <th scope="col">Latency</th>
            <th scope="col">Tokens in / out</th>
            <th scope="col">Cost</th>
            <th scope="col">Quality</th>
          </tr>
        </thead>
        <tbody>
          {props.executions.map((e) => {
            const release = e.release_id ? catalog.byId.get(e.release_id) : undefined;
            return (
              <tr data-execution={e.id} data-status={e.status}>
                <th scope="row">
                  <a href={`/executions/${encode(e.id)}`} class="mon-id">
                    {e.id}
                  </a>
                </th>
                <td>
                  <time datetime={e.created_at} title={formatUtc(Date.parse(e.created_at))}>
                    {age(e.created_at, props.now)}
                  </time>
                </td>
                <td class="mon-preview">{inputPreview(e)}</td>
                <td>
                  <StatusBadge status={e.status} />
                  {e.error ? <span class="meta">{e.error.code}</span> : null}
                </td>
                <td>{release ? releaseLabel(release, withDeployment) : (e.release_id ?? "–")}</td>
                <td>{formatLatency(e.latency_ms)}</td>
                <td>{tokens(e)}</td>
                <td>{formatUsd(e.cost_usd)}</td>
                <td>{formatScore(e.quality_score)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}

/** One environment's executions, newest first, with the filters GET /v1/executions takes and a Next link. */
export function ExecutionsPage(props: {
  list: ExecutionsList;
  filters: ExecutionFilters;
  cursor: string | undefined;
  filterError?: string | undefined;
  signedIn: SignedIn;
  now: Date;
}) {
  const { list, filters } = props;
  const env = list.environment.name;
  const base = `/environments/${encode(env)}/executions`;
  const error = props.filterError ?? (list.page.ok ? undefined : list.page.error.detail);
  const page = list.page.ok && props.filterError === undefined ? list.page.value : null;
  const filtered = filterQuery(filters) !== filterQuery(NO_FILTERS);
  return (
    <Layout title={`Executions ${env}`} current="/monitoring" signedIn={props.signedIn}>
      <p class="mon-crumbs">
        <a href="/monitoring">Monitoring</a> / <a href={`/environments/${encode(env)}`}>{env}</a>
      </p>
      <h1>Executions: {env}</h1>
      <p class="hint">
        Every invocation in {env}: inputs, outputs, release, latency, tokens, cost and feedback. Open one for its details.{" "}
        <a href={`/environments/${encode(env)}/monitoring`}>Charts of {env}</a>
      </p>
      <FilterForm list={list} filters={filters} />
      {error ? (
        <p class="error" role="alert">
          {error}
        </p>
      ) : null}
      {page === null ? null : page.data.length === 0 ? (
        <p>
          {filtered ? "No execution matches these filters." : `No executions in ${env} yet. Invoke a deployment with a key of this environment and it appears here within seconds.`}
        </p>
      ) : (
        <>
          <ExecutionsTable list={list} executions={page.data} now={props.now} />
          <nav class="mon-pager" aria-label="Pages">
            {props.cursor ? <a href={`${base}${filterQuery(filters)}`}>First page</a> : null}
            {page.next_cursor ? (
              <a href={`${base}${filterQuery(filters, page.next_cursor)}`} rel="next">
                Next {PAGE_SIZE} executions
              </a>
            ) : (
              <span class="hint">End of the list</span>
            )}
          </nav>
        </>
      )}
    </Layout>
  );
}
