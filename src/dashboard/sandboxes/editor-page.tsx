import type { Failure } from "../../lib/result";
import type { SandboxRunResult } from "../../testing/run-sandbox";
import type { SandboxView } from "../../testing/sandboxes";
import { Layout, type SignedIn } from "../layout";
import { age } from "../overview-page";
import { type Draft, fieldIdOf } from "./draft-form";
import { DraftFields, type FieldErrors } from "./editor-fields";
import { RunResult } from "./run-result";
import type { DeployTarget } from "./scopes";

/** The messages a redirect back to the editor may name; anything else in the query is ignored. */
export const EDITOR_DONE = {
  created: "The sandbox was created at revision 1. Edit it, run it, then deploy it.",
  saved: "Saved as a new revision.",
  unchanged: "Nothing changed, so no revision was made.",
} as const;
export type EditorDone = keyof typeof EDITOR_DONE;

export interface RunForm {
  environment: string;
  scenario: string;
  inputs: string;
}

export interface DeployForm {
  deploymentName: string;
  environments: string[];
  tags: string;
  description: string;
}

/** What the key may do here, and what the forms need to offer it. */
export interface EditorContext {
  sandbox: SandboxView;
  /** The name of the deployment this sandbox feeds, once deployed. */
  deploymentName: string | null;
  /** The name of the key that saved the sandbox last (its id when unknown). */
  savedBy: string;
  canEdit: boolean;
  /** Environments the key may run the draft in; null when it may run nowhere. */
  runEnvironments: string[] | null;
  /** The key's own environment, when it is an environment key. */
  ownEnvironment: string | null;
  /** Environments the key holds `deploy` in; null when it may deploy nowhere. */
  deployTargets: DeployTarget[] | null;
  /** The nonce editor.js gives CodeMirror's style elements (see allowStyleNonce). */
  styleNonce: string;
}

export interface EditorState {
  draft: Draft;
  done?: EditorDone | undefined;
  saveFailure?: Failure | undefined;
  /** Set when a save was refused because someone saved this revision meanwhile. */
  staleAt?: number | undefined;
  run?: { form: RunForm; result?: SandboxRunResult | undefined; failure?: Failure | undefined } | undefined;
  deploy?: { form: DeployForm; failure?: Failure | undefined } | undefined;
}

/** A name the deploy form suggests for a first deploy: the sandbox's, in the characters deployment names allow. */
function suggestedDeploymentName(sandboxName: string): string {
  const name = sandboxName
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, "-")
    .replace(/^[^a-z0-9]+/, "")
    .slice(0, 100);
  return name || "deployment";
}

/** A refused request: its detail and each offending field, linked to the field when the form has it. */
function ProblemSummary(props: { title: string; failure: Failure; fieldId?: (path: string) => string | null }) {
  const errors = props.failure.errors ?? [];
  return (
    <div class="error-summary" role="alert">
      <h3>{props.title}</h3>
      <p>{props.failure.detail}</p>
      {errors.length ? (
        <ul>
          {errors.map((e) => {
            const id = props.fieldId?.(e.path) ?? null;
            const path = <code>{e.path.replace(/^body\./, "")}</code>;
            return (
              <li>
                {id ? <a href={`#${id}`}>{path}</a> : path}: {e.message}
              </li>
            );
          })}
        </ul>
      ) : null}
    </div>
  );
}

function fieldErrors(kind: Draft["kind"], failure: Failure | undefined): FieldErrors {
  const errors: FieldErrors = new Map();
  for (const e of failure?.errors ?? []) {
    const id = fieldIdOf(kind, e.path);
    if (id) errors.set(id, [...(errors.get(id) ?? []), e.message]);
  }
  return errors;
}

function EditSection(props: { context: EditorContext; state: EditorState; csrf: string }) {
  const { sandbox, canEdit } = props.context;
  const { draft, saveFailure, staleAt } = props.state;
  return (
    <section aria-labelledby="edit-heading">
      <h2 id="edit-heading">Edit</h2>
      {staleAt !== undefined ? (
        <div class="error-summary" role="alert">
          <h3>Someone saved revision {staleAt} meanwhile</h3>
          <p>
            Nothing was saved. Your edits are still in the form below, based on revision {draft.revision}.{" "}
            <a href={`/sandboxes/${encodeURIComponent(sandbox.id)}`}>Open revision {staleAt}</a> (your edits here will be lost) and make your changes again.
          </p>
        </div>
      ) : saveFailure ? (
        <ProblemSummary title="The sandbox was not saved" failure={saveFailure} fieldId={(path) => fieldIdOf(draft.kind, path)} />
      ) : null}
      {canEdit ? null : <p class="hint">This key may read this sandbox but not edit it: editing needs the deploy scope.</p>}
      <form method="post" action={`/sandboxes/${encodeURIComponent(sandbox.id)}`} class="editor" id="edit-form">
        <input type="hidden" name="csrf" value={props.csrf} />
        <input type="hidden" name="revision" value={String(draft.revision)} />
        <fieldset class="plain" disabled={!canEdit}>
          <legend class="visually-hidden">{`${sandbox.kind === "prompt" ? "Prompt" : "Workflow"} draft`}</legend>
          <DraftFields draft={draft} errors={fieldErrors(draft.kind, saveFailure)} />
        </fieldset>
        {canEdit ? (
          <p class="actions">
            <button type="submit">Save revision {draft.revision + 1}</button>
            <span class="hint">Saving makes a new revision; deployed releases keep the revision they were made from.</span>
          </p>
        ) : null}
      </form>
    </section>
  );
}

function RunSection(props: { context: EditorContext; state: EditorState; csrf: string }) {
  const { sandbox, runEnvironments, ownEnvironment } = props.context;
  const run = props.state.run;
  const form = run?.form ?? { environment: runEnvironments?.[0] ?? "", scenario: sandbox.scenarios[0]?.name ?? "", inputs: "" };
  return (
    <section aria-labelledby="run-heading">
      <h2 id="run-heading">Run</h2>
      {runEnvironments === null ? (
        <p class="hint">This key may not run drafts: running needs the execute scope.</p>
      ) : (
        <form method="post" action={`/sandboxes/${encodeURIComponent(sandbox.id)}/run`} class="editor" id="run-form">
          <input type="hidden" name="csrf" value={props.csrf} />
          <input type="hidden" name="revision" value={String(sandbox.revision)} />
          <p class="hint">Runs the saved revision {sandbox.revision} (save your edits first) with the environment's variables and provider secrets. Nothing is deployed.</p>
          <div class="fields">
            {ownEnvironment ? (
              <p>
                Runs in <strong>{ownEnvironment}</strong>
              </p>
            ) : (
              <div class="field">
                <label for="run-environment">Environment</label>
                <select id="run-environment" name="environment">
                  {runEnvironments.map((name) => (
                    <option value={name} selected={name === form.environment}>
                      {name}
                    </option>
                  ))}
                </select>
              </div>
            )}
            <div class="field">
              <label for="run-scenario">Scenario</label>
              <select id="run-scenario" name="scenario">
                <option value="" selected={form.scenario === ""}>
                  None: only the inputs below
                </option>
                {sandbox.scenarios.map((s) => (
                  <option value={s.name} selected={s.name === form.scenario}>
                    {s.name}
                  </option>
                ))}
              </select>
            </div>
          </div>
          <div class="field code">
            <label for="run-inputs">Inputs (JSON)</label>
            <span class="hint" id="run-inputs-hint">
              Optional, e.g. {'{"question": "How do I roll back?"}'}; they override the scenario's.
            </span>
            <textarea id="run-inputs" name="inputs" rows={3} spellcheck={false} data-editor="json" aria-describedby="run-inputs-hint">
              {form.inputs}
            </textarea>
          </div>
          <p class="actions">
            <button type="submit">Run revision {sandbox.revision}</button>
          </p>
        </form>
      )}
      {run?.failure ? <ProblemSummary title="The run was refused" failure={run.failure} /> : null}
      {run?.result ? <RunResult result={run.result} /> : null}
    </section>
  );
}

function DeploySection(props: { context: EditorContext; state: EditorState; csrf: string }) {
  const { sandbox, deployTargets, deploymentName } = props.context;
  if (deployTargets === null) {
    return (
      <section aria-labelledby="deploy-heading">
        <h2 id="deploy-heading">Deploy</h2>
        <p class="hint">This key may not deploy: deploying needs the deploy scope.</p>
      </section>
    );
  }
  const direct = deployTargets.filter((t) => t.promotionOnly === null);
  const promotionOnly = deployTargets.filter((t) => t.promotionOnly !== null);
  const deploy = props.state.deploy;
  const form = deploy?.form ?? {
    deploymentName: deploymentName ?? suggestedDeploymentName(sandbox.name),
    environments: direct.map((t) => t.name).filter((name) => name === "development" || name === "staging"),
    tags: "",
    description: "",
  };
  return (
    <section aria-labelledby="deploy-heading">
      <h2 id="deploy-heading">Deploy</h2>
      {deploy?.failure ? <ProblemSummary title="Nothing was deployed" failure={deploy.failure} /> : null}
      <form method="post" action={`/sandboxes/${encodeURIComponent(sandbox.id)}/deploy`} class="editor" id="deploy-form">
        <input type="hidden" name="csrf" value={props.csrf} />
        <input type="hidden" name="revision" value={String(sandbox.revision)} />
        <p class="hint">Makes one release of revision {sandbox.revision} in each environment you tick, or none at all if any of them refuses.</p>
        <div class="field">
          <label for="deploy-name">Deployment name</label>
          <span class="hint" id="deploy-name-hint">
            {deploymentName ? `This sandbox deploys as ${deploymentName}.` : "Callers invoke the deployment by this name. Letters, digits, '.', '_' and '-'."}
          </span>
          <input type="text" id="deploy-name" name="deployment_name" value={form.deploymentName} autocomplete="off" required aria-describedby="deploy-name-hint" />
        </div>
        <fieldset>
          <legend>Environments</legend>
          {direct.length === 0 ? <p class="hint">None of the environments this key may deploy to takes direct deploys.</p> : null}
          {direct.map((t) => (
            <div class="field check">
              <input type="checkbox" id={`deploy-env-${t.name}`} name="environments" value={t.name} checked={form.environments.includes(t.name)} />
              <label for={`deploy-env-${t.name}`}>{t.name}</label>
            </div>
          ))}
          {promotionOnly.length ? (
            <ul class="hint">
              {promotionOnly.map((t) => (
                <li>{t.promotionOnly}</li>
              ))}
            </ul>
          ) : null}
        </fieldset>
        <div class="fields">
          <div class="field">
            <label for="deploy-tags">Release tags</label>
            <span class="hint" id="deploy-tags-hint">
              Optional, separated by commas, e.g. v1.2.0
            </span>
            <input type="text" id="deploy-tags" name="release_tags" value={form.tags} autocomplete="off" aria-describedby="deploy-tags-hint" />
          </div>
          <div class="field wide">
            <label for="deploy-description">Description</label>
            <textarea id="deploy-description" name="description" rows={2}>
              {form.description}
            </textarea>
          </div>
        </div>
        <p class="actions">
          <button type="submit" disabled={direct.length === 0}>
            Deploy revision {sandbox.revision}
          </button>
        </p>
      </form>
    </section>
  );
}

/** The sandbox editor: edit and save a revision, run it, deploy it. */
export function EditorPage(props: { context: EditorContext; state: EditorState; signedIn: SignedIn; now: Date }) {
  const { sandbox, deploymentName, savedBy, styleNonce } = props.context;
  const { done } = props.state;
  const csrf = props.signedIn.csrf;
  return (
    <Layout title={`Sandbox ${sandbox.name}`} current="/sandboxes" signedIn={props.signedIn}>
      <div class="sbx">
        <p class="breadcrumb">
          <a href="/sandboxes">Sandboxes</a>
        </p>
        <h1>{sandbox.name}</h1>
        <p class="meta" data-revision={sandbox.revision}>
          {sandbox.kind === "prompt" ? "Prompt" : "Workflow"} sandbox, revision {sandbox.revision}, saved{" "}
          <time datetime={sandbox.updated_at}>{age(sandbox.updated_at, props.now)}</time> by {savedBy}.{" "}
          {deploymentName ? (
            <>
              Feeds the deployment <a href={`/deployments/${encodeURIComponent(deploymentName)}`}>{deploymentName}</a>.
            </>
          ) : (
            "Not deployed yet."
          )}
        </p>
        {done ? (
          <p class="notice" role="status">
            {EDITOR_DONE[done]}
          </p>
        ) : null}
        <EditSection context={props.context} state={props.state} csrf={csrf} />
        <RunSection context={props.context} state={props.state} csrf={csrf} />
        <DeploySection context={props.context} state={props.state} csrf={csrf} />
      </div>
      <script type="module" src="/static/editor.js" data-style-nonce={styleNonce}></script>
    </Layout>
  );
}
