import type { PromptSpec } from "../../specs/prompt-spec";
import type { Spec } from "../../specs/validate-spec";
import type { WorkflowNode, WorkflowSpec } from "../../specs/workflow-spec";
import { WorkflowGraph } from "./workflow-graph";

const json = (value: unknown) => JSON.stringify(value);

function InputVariables(props: { variables: PromptSpec["input_variables"] }) {
  if (props.variables.length === 0) return <p class="none">No input variables.</p>;
  return (
    <section class="table-scroll" tabindex={0} aria-label="Input variables">
      <table>
        <caption class="hint">The inputs an invocation passes, checked against these types</caption>
        <thead>
          <tr>
            <th scope="col">Key</th>
            <th scope="col">Type</th>
            <th scope="col">Required</th>
            <th scope="col">Default</th>
          </tr>
        </thead>
        <tbody>
          {props.variables.map((v) => (
            <tr>
              <th scope="row">
                <code>{v.key}</code>
                {v.description ? <span class="meta">{v.description}</span> : null}
              </th>
              <td>{v.type}</td>
              <td>{(v.required ?? v.default === undefined) ? "yes" : "no"}</td>
              <td>{v.default === undefined ? <span class="none">none</span> : <code>{json(v.default)}</code>}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function Model(props: { model: PromptSpec["model"] }) {
  const { model } = props;
  const parameters = Object.entries(model.parameters ?? {});
  return (
    <>
      <dl class="fields">
        <dt>Provider</dt>
        <dd>{model.provider}</dd>
        <dt>Model</dt>
        <dd>{model.name}</dd>
        {model.base_url ? (
          <>
            <dt>Base URL</dt>
            <dd>{model.base_url}</dd>
          </>
        ) : null}
      </dl>
      <h3>Parameters</h3>
      {parameters.length === 0 ? (
        <p class="none">No parameters: the provider's defaults apply.</p>
      ) : (
        <dl class="fields">
          {parameters.map(([name, value]) => (
            <>
              <dt>
                <code>{name}</code>
              </dt>
              <dd>
                <code>{json(value)}</code>
              </dd>
            </>
          ))}
        </dl>
      )}
    </>
  );
}

function Blocks(props: { blocks: PromptSpec["blocks"] }) {
  return (
    <ol class="blocks">
      {props.blocks.map((block) =>
        "template" in block ? (
          <li>
            <span class="role">{block.role}</span>
            <pre>{block.template}</pre>
          </li>
        ) : (
          <li>
            <span class="role">chat history</span> the messages of <code>{block.chat_history}</code> go here
          </li>
        ),
      )}
    </ol>
  );
}

export function PromptSpecView(props: { spec: PromptSpec }) {
  const { spec } = props;
  return (
    <>
      <section aria-labelledby="spec-model">
        <h2 id="spec-model">Model</h2>
        <Model model={spec.model} />
      </section>
      <section aria-labelledby="spec-inputs">
        <h2 id="spec-inputs">Input variables</h2>
        <InputVariables variables={spec.input_variables} />
      </section>
      <section aria-labelledby="spec-blocks">
        <h2 id="spec-blocks">Messages</h2>
        <p class="hint">Sent in this order; each template is Jinja over the inputs and env.NAME.</p>
        <Blocks blocks={spec.blocks} />
      </section>
    </>
  );
}

/** One line saying what a node does. */
function nodeSummary(node: WorkflowNode): string {
  switch (node.type) {
    case "prompt":
      return node.prompt ? `runs ${node.prompt.model.provider}/${node.prompt.model.name}` : `runs the prompt deployment ${node.deployment ?? ""} (${node.release_tag ?? "LATEST"})`;
    case "template":
      return "renders a template";
    case "conditional":
      return `chooses a branch among ${node.cases.map((c) => c.then).join(", ")}${node.else ? `, else ${node.else}` : ""}`;
    case "search":
      return `searches the index ${node.index} (up to ${node.limit})`;
    case "api":
      return `calls ${node.method} ${node.url}`;
    case "output":
      return `gives the output ${node.name}`;
  }
}

export function WorkflowSpecView(props: { spec: WorkflowSpec }) {
  const { spec } = props;
  const parents = (id: string) => spec.edges.filter((e) => e.to === id).map((e) => e.from);
  return (
    <>
      <section aria-labelledby="spec-inputs">
        <h2 id="spec-inputs">Input variables</h2>
        <InputVariables variables={spec.input_variables} />
      </section>
      <section aria-labelledby="spec-graph">
        <h2 id="spec-graph">Graph</h2>
        <p class="hint">A node starts once every node above it with an arrow into it is done; nodes side by side can run at the same time.</p>
        <section class="graph-scroll" tabindex={0} aria-label="Workflow graph">
          <WorkflowGraph spec={spec} describedBy="workflow-nodes" />
        </section>
      </section>
      <section aria-labelledby="spec-nodes">
        <h2 id="spec-nodes">Nodes</h2>
        <ol class="nodes" id="workflow-nodes">
          {spec.nodes.map((node) => {
            const after = parents(node.id);
            return (
              <li data-node={node.id}>
                <code class="node-name">{node.id}</code> <span class="role">{node.type}</span> {nodeSummary(node)}
                <span class="meta">{after.length ? `after ${after.join(", ")}` : "starts first"}</span>
                <details>
                  <summary>Full definition of {node.id}</summary>
                  <pre>{JSON.stringify(node, null, 2)}</pre>
                </details>
              </li>
            );
          })}
        </ol>
      </section>
    </>
  );
}

export function SpecView(props: { spec: Spec }) {
  return props.spec.kind === "prompt" ? <PromptSpecView spec={props.spec.spec} /> : <WorkflowSpecView spec={props.spec.spec} />;
}
