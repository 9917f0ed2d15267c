import type { SandboxRunResult } from "../../testing/run-sandbox";

const json = (value: unknown) => (typeof value === "string" ? value : JSON.stringify(value, null, 2));

function cost(usd: number | null | undefined): string {
  if (usd === null || usd === undefined) return "unknown (no price set)";
  return `$${usd.toFixed(6)}`;
}

/** What a run of the draft gave: the output, its figures, the messages sent, and each node of a workflow. */
export function RunResult(props: { result: SandboxRunResult }) {
  const { result } = props;
  const output = result.outputs?.map((o) => (o.name ? `${o.name}: ${o.value}` : o.value)).join("\n") ?? "";
  return (
    <section class="run-result" aria-labelledby="run-result-heading" data-state={result.state}>
      <h3 id="run-result-heading">
        Result: {result.state === "FULFILLED" ? "fulfilled" : "rejected"}
        <span class="meta">
          revision {result.sandbox.revision} in {result.environment}
          {result.scenario ? `, scenario ${result.scenario}` : ", hand-typed inputs"}
        </span>
      </h3>
      {result.error ? (
        <p class="error">
          {result.error.code}: {result.error.message}
        </p>
      ) : (
        <pre class="output" id="run-output">
          {output}
        </pre>
      )}
      <dl class="figures">
        <dt>Latency</dt>
        <dd>{result.meta.latency} ms</dd>
        <dt>Model</dt>
        <dd>{result.meta.model_name}</dd>
        {result.nodes ? null : (
          <>
            <dt>Tokens</dt>
            <dd>{result.usage ? `${result.usage.input_tokens} in, ${result.usage.output_tokens} out` : "not reported"}</dd>
            <dt>Cost</dt>
            <dd>{cost(result.cost_usd)}</dd>
          </>
        )}
        {result.matches_expected === null || result.matches_expected === undefined ? null : (
          <>
            <dt>Expected output</dt>
            <dd>{result.matches_expected ? "matches" : "does not match"}</dd>
          </>
        )}
      </dl>
      {result.messages ? (
        <details>
          <summary>Messages sent to the model ({result.messages.length})</summary>
          <ol class="messages">
            {result.messages.map((m) => (
              <li>
                <strong>{m.role}</strong>
                <pre>{m.content}</pre>
              </li>
            ))}
          </ol>
        </details>
      ) : null}
      {result.nodes ? (
        <section class="scroll" tabindex={0} aria-label="Nodes of the run">
          <table>
            <caption class="hint">Each node of the workflow, in the order it ran</caption>
            <thead>
              <tr>
                <th scope="col">Node</th>
                <th scope="col">Type</th>
                <th scope="col">Status</th>
                <th scope="col">Duration</th>
                <th scope="col">Result</th>
              </tr>
            </thead>
            <tbody>
              {result.nodes.map((node) => (
                <tr data-node={node.id}>
                  <th scope="row">{node.id}</th>
                  <td>{node.type}</td>
                  <td>{node.status}</td>
                  <td>{node.duration_ms} ms</td>
                  <td>{node.error ? <span class="error">{node.error}</span> : <pre>{json(node.output)}</pre>}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      ) : null}
    </section>
  );
}
