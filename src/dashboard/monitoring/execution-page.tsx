import type { Child } from "hono/jsx";
import { Layout, type SignedIn } from "../layout";
import { age } from "../overview-page";
import type { ExecutionDetail } from "./executions";
import { StatusBadge } from "./executions-page";
import { formatCount, formatLatency, formatScore, formatUsd, formatUtc } from "./format";

const encode = encodeURIComponent;

const json = (value: unknown) => JSON.stringify(value, null, 2);

/** A named value of Vellum's shape ({name?, type?, value}) as inputs and outputs are recorded. */
interface NamedValue {
  name?: unknown;
  key?: unknown;
  type?: unknown;
  value?: unknown;
}

const isNamedValues = (value: unknown): value is NamedValue[] =>
  Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === "object" && v !== null && !Array.isArray(v) && "value" in v);

/** Inputs or outputs: a table of name, type and value when they have Vellum's shape, else their JSON. */
function Values(props: { id: string; title: string; itemName: string; value: unknown }) {
  const { value } = props;
  if (value === null || value === undefined || (Array.isArray(value) && value.length === 0)) return <p class="none">None recorded.</p>;
  if (!isNamedValues(value)) return <pre class="mon-payload">{json(value)}</pre>;
  return (
    <section class="table-scroll" tabindex={0} aria-label={props.title}>
      <table class="mon-values" id={props.id}>
        <caption class="visually-hidden">{props.title}</caption>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Type</th>
            <th scope="col">Value</th>
          </tr>
        </thead>
        <tbody>
          {value.map((v, i) => {
            const name = typeof v.name === "string" ? v.name : typeof v.key === "string" ? v.key : `${props.itemName} ${i + 1}`;
            return (
              <tr>
                <th scope="row">{name}</th>
                <td>{typeof v.type === "string" ? v.type : "–"}</td>
                <td>
                  <pre class="mon-payload">{typeof v.value === "string" ? v.value : json(v.value)}</pre>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}

function Fact(props: { name: string; children: Child }) {
  return (
    <div data-fact={props.name.toLowerCase()}>
      <dt>{props.name}</dt>
      <dd>{props.children}</dd>
    </div>
  );
}

/** One execution: what went in, what came out (or the error), the release that served it, its cost and its feedback. */
export function ExecutionPage(props: { detail: ExecutionDetail; signedIn: SignedIn; now: Date }) {
  const { execution: e, deploymentName, release } = props.detail;
  const env = e.environment;
  const started = Date.parse(e.created_at);
  return (
    <Layout title={`Execution ${e.id}`} current="/monitoring" signedIn={props.signedIn}>
      <p class="mon-crumbs">
        <a href="/monitoring">Monitoring</a> / <a href={`/environments/${encode(env)}`}>{env}</a> / <a href={`/environments/${encode(env)}/executions`}>Executions</a>
      </p>
      <h1>
        Execution <span class="mon-id">{e.id}</span>
      </h1>
      <dl class="mon-facts">
        <Fact name="Status">
          <StatusBadge status={e.status} />
        </Fact>
        <Fact name="Environment">
          <a href={`/environments/${encode(env)}`}>{env}</a>
        </Fact>
        <Fact name="Deployment">{deploymentName ? <a href={`/deployments/${encode(deploymentName)}`}>{deploymentName}</a> : (e.deployment_id ?? "–")}</Fact>
        <Fact name="Release">
          {release ? (
            <a href={`/releases/${encode(release.id)}`}>
              v{release.version}
              {e.release_tag ? ` (called as ${e.release_tag})` : ""}
            </a>
          ) : (
            (e.release_id ?? "–")
          )}
        </Fact>
        <Fact name="Model">{e.model ? `${e.model.provider}${e.model.name ? ` / ${e.model.name}` : ""}` : "–"}</Fact>
        <Fact name="Latency">{formatLatency(e.latency_ms)}</Fact>
        <Fact name="Tokens">{e.usage ? `${formatCount(e.usage.input_tokens)} in, ${formatCount(e.usage.output_tokens)} out` : "–"}</Fact>
        <Fact name="Cost">{formatUsd(e.cost_usd)}</Fact>
        <Fact name="Started">
          <time datetime={e.created_at} title={formatUtc(started)}>
            {age(e.created_at, props.now)}
          </time>
          <span class="meta">{formatUtc(started)}</span>
        </Fact>
        <Fact name="Kind">{e.kind}</Fact>
        {e.external_id ? <Fact name="External id">{e.external_id}</Fact> : null}
      </dl>

      <h2>Inputs</h2>
      <Values id="inputs" title="Inputs" itemName="Input" value={e.inputs} />

      {e.error ? (
        <>
          <h2>Error</h2>
          <p class="error" data-error-code={e.error.code}>
            {e.error.code}: {e.error.message}
          </p>
        </>
      ) : null}
      <h2>Outputs</h2>
      <Values id="outputs" title="Outputs" itemName="Output" value={e.outputs} />

      {e.nodes ? (
        <>
          <h2>Workflow nodes</h2>
          <pre class="mon-payload">{json(e.nodes)}</pre>
        </>
      ) : null}

      <h2>Feedback</h2>
      {e.quality_score === null && e.actual === null ? (
        <p class="none">No feedback yet. Send completion actuals (POST /v1/submit-completion-actuals) with this execution's id or external id to score it.</p>
      ) : (
        <dl class="mon-facts">
          <Fact name="Quality">{formatScore(e.quality_score)}</Fact>
          {e.actual ? (
            <>
              <Fact name="Expected text">{e.actual.text ?? "–"}</Fact>
              <Fact name="Feedback given">
                <time datetime={e.actual.at}>{age(e.actual.at, props.now)}</time>
              </Fact>
            </>
          ) : null}
        </dl>
      )}
      {e.actual?.metadata ? <pre class="mon-payload">{json(e.actual.metadata)}</pre> : null}

      <h2>Metadata</h2>
      {e.metadata === null || e.metadata === undefined ? <p class="none">None.</p> : <pre class="mon-payload">{json(e.metadata)}</pre>}
    </Layout>
  );
}
