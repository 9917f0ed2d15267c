import type { Failure } from "../../lib/result";
import type { SandboxView } from "../../testing/sandboxes";
import { Layout, type SignedIn } from "../layout";
import { age } from "../overview-page";

/** One row of the list: the sandbox, the name of the deployment it feeds (once deployed) and of the key that saved it last. */
export interface SandboxItem {
  sandbox: SandboxView;
  deploymentName: string | null;
  savedBy: string;
}

export interface NewSandboxForm {
  name: string;
  kind: string;
}

function NewSandbox(props: { form: NewSandboxForm; failure?: Failure | undefined; csrf: string }) {
  const nameError = props.failure?.errors?.find((e) => e.path === "body.name");
  return (
    <section aria-labelledby="new-heading">
      <h2 id="new-heading">New sandbox</h2>
      {props.failure ? (
        <p class="error" role="alert">
          Not created: {props.failure.detail}
        </p>
      ) : null}
      <form method="post" action="/sandboxes" class="editor" id="new-form">
        <input type="hidden" name="csrf" value={props.csrf} />
        <div class="fields">
          <div class="field">
            <label for="new-name">Name</label>
            <input
              type="text"
              id="new-name"
              name="name"
              value={props.form.name}
              maxlength={100}
              required
              autocomplete="off"
              aria-invalid={nameError ? "true" : undefined}
              aria-describedby={nameError ? "new-name-error" : undefined}
            />
            {nameError ? (
              <span class="field-error" id="new-name-error">
                {nameError.message}
              </span>
            ) : null}
          </div>
          <div class="field">
            <label for="new-kind">Kind</label>
            <select id="new-kind" name="kind">
              <option value="prompt" selected={props.form.kind !== "workflow"}>
                Prompt: messages sent to one model
              </option>
              <option value="workflow" selected={props.form.kind === "workflow"}>
                Workflow: a graph of prompts, searches and API calls
              </option>
            </select>
          </div>
        </div>
        <p class="actions">
          <button type="submit">Create sandbox</button>
        </p>
      </form>
    </section>
  );
}

/** Every sandbox of the workspace, with a link to its editor, and a form to start a new one. */
export function SandboxesPage(props: {
  items: SandboxItem[];
  nextCursor: string | null;
  canCreate: boolean;
  form: NewSandboxForm;
  failure?: Failure | undefined;
  error?: string | undefined;
  signedIn: SignedIn;
  now: Date;
}) {
  return (
    <Layout title="Sandboxes" current="/sandboxes" signedIn={props.signedIn}>
      <div class="sbx">
        <h1>Sandboxes</h1>
        <p class="hint">A sandbox is a draft prompt or workflow: edit it, run it against scenarios, then deploy a revision to your environments.</p>
        {props.error ? (
          <p class="error" role="alert">
            {props.error}
          </p>
        ) : props.items.length === 0 ? (
          <p>No sandbox yet.</p>
        ) : (
          <section class="scroll" tabindex={0} aria-label="Sandboxes">
            <table>
              <caption class="hint">Sandboxes, newest first</caption>
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Kind</th>
                  <th scope="col">Revision</th>
                  <th scope="col">Updated</th>
                  <th scope="col">Deployment</th>
                </tr>
              </thead>
              <tbody>
                {props.items.map(({ sandbox, deploymentName, savedBy }) => (
                  <tr data-sandbox={sandbox.id}>
                    <th scope="row">
                      <a href={`/sandboxes/${encodeURIComponent(sandbox.id)}`}>{sandbox.name}</a>
                    </th>
                    <td>{sandbox.kind}</td>
                    <td>{sandbox.revision}</td>
                    <td>
                      <time datetime={sandbox.updated_at}>{age(sandbox.updated_at, props.now)}</time>
                      <span class="meta">by {savedBy}</span>
                    </td>
                    <td>{deploymentName ? <a href={`/deployments/${encodeURIComponent(deploymentName)}`}>{deploymentName}</a> : <span class="none">not deployed yet</span>}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
        )}
        {props.nextCursor ? (
          <p>
            <a href={`/sandboxes?cursor=${encodeURIComponent(props.nextCursor)}`}>Older sandboxes</a>
          </p>
        ) : null}
        {props.canCreate ? <NewSandbox form={props.form} failure={props.failure} csrf={props.signedIn.csrf} /> : null}
      </div>
    </Layout>
  );
}
