import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { AppEnv, Principal } from "../../context";
import type { Router } from "../../http/router";
import { fieldIssues } from "../../lib/field-path";
import { problemCatalog } from "../../lib/problem";
import { type Failure, fail, type Result } from "../../lib/result";
import { deploySandbox } from "../../releases/deploy";
import { CreateSandboxBody, DeployBody } from "../../routes/sandboxes/schemas";
import { runSandbox } from "../../testing/run-sandbox";
import { createSandbox, getSandbox, listSandboxesFor, type SandboxView, updateSandbox } from "../../testing/sandboxes";
import { keyName, keyNames } from "../key-names";
import { Layout, type SignedIn } from "../layout";
import { action, allowStyleNonce, type CurrentSession, type FormFields, field, fields, notFound, page, param } from "../pages";
import { draftChanges, draftOf, readDraft } from "./draft-form";
import { deploymentNameOf, readEditorContext } from "./editor-context";
import { EDITOR_DONE, type EditorDone, EditorPage, type EditorState } from "./editor-page";
import { type NewSandboxForm, SandboxesPage } from "./sandboxes-page";
import { holdsAnywhere } from "./scopes";
import { STARTER_SPECS } from "./starter-specs";

/** How many sandboxes one page of the list shows. */
const PAGE_SIZE = 50;

const statusOf = (failure: Failure) => problemCatalog[failure.code].status;

/** What a key sees for a form it may not use: the server refuses it whatever the page showed. */
function RefusedPage(props: { signedIn: SignedIn; message: string }) {
  return (
    <Layout title="Refused" current="/sandboxes" signedIn={props.signedIn}>
      <h1>Refused</h1>
      <p class="error">{props.message}</p>
      <p>
        <a href="/sandboxes">Back to the sandboxes</a>
      </p>
    </Layout>
  );
}

const NEEDS = {
  read: "This key may not read sandboxes: that needs the read scope.",
  deploy: "This key may not create, edit or deploy sandboxes: that needs the deploy scope.",
  execute: "This key may not run sandboxes: that needs the execute scope.",
} as const;

function refused(c: Context<AppEnv>, signedIn: SignedIn, scope: keyof typeof NEEDS) {
  return c.html(<RefusedPage signedIn={signedIn} message={NEEDS[scope]} />, 403);
}

async function renderList(c: Context<AppEnv>, signedIn: CurrentSession, form: NewSandboxForm, failure?: Failure) {
  const deps = c.get("deps");
  const { principal } = signedIn;
  const listed = await listSandboxesFor(deps, principal, c.req.query("cursor"), PAGE_SIZE);
  const sandboxes = listed.ok ? listed.value.data : [];
  const savers = await keyNames(
    deps,
    principal,
    sandboxes.map((sandbox) => sandbox.updated_by),
  );
  const items = await Promise.all(
    sandboxes.map(async (sandbox) => ({ sandbox, deploymentName: await deploymentNameOf(deps, principal, sandbox), savedBy: keyName(savers, sandbox.updated_by) })),
  );
  const status = failure ? statusOf(failure) : listed.ok ? 200 : statusOf(listed.error);
  return c.html(
    <SandboxesPage
      items={items}
      nextCursor={listed.ok ? listed.value.next_cursor : null}
      canCreate={holdsAnywhere(principal, "deploy")}
      form={form}
      failure={failure}
      error={listed.ok ? undefined : listed.error.detail}
      signedIn={signedIn}
      now={deps.now()}
    />,
    status,
  );
}

async function renderEditor(c: Context<AppEnv>, signedIn: CurrentSession, sandbox: SandboxView, state: EditorState, status: ContentfulStatusCode = 200) {
  const deps = c.get("deps");
  const context = await readEditorContext(deps, signedIn.principal, sandbox, allowStyleNonce(c));
  return c.html(<EditorPage context={context} state={state} signedIn={signedIn} now={deps.now()} />, status);
}

/** The sandbox of the path, or null (the 404 page) when the key's workspace has none by that id. */
async function sandboxOf(c: Context<AppEnv>, principal: Principal): Promise<SandboxView | null> {
  const found = await getSandbox(c.get("deps"), principal, param(c, "id"), undefined);
  return found.ok ? found.value : null;
}

function validationFailure(issues: readonly { code: string; path: readonly PropertyKey[]; message: string }[]): Failure {
  const errors = fieldIssues("json", issues);
  return { code: "VALIDATION_FAILED", detail: `Invalid ${errors.map((e) => e.path).join(", ")}`, errors };
}

/** The run's hand-typed inputs: a JSON object, or nothing. */
function runInputs(text: string): Result<Record<string, unknown> | undefined> {
  if (text === "") return { ok: true, value: undefined };
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value === "object" && value !== null && !Array.isArray(value)) return { ok: true, value: value as Record<string, unknown> };
  } catch {}
  return fail("VALIDATION_FAILED", "The inputs must be a JSON object", [{ path: "body.inputs", message: "Not a JSON object" }]);
}

function deployForm(form: FormFields) {
  return {
    deploymentName: field(form, "deployment_name"),
    environments: fields(form, "environments"),
    tags: field(form, "release_tags"),
    description: field(form, "description"),
  };
}

export function registerSandboxPages(app: Router) {
  page(app, "/sandboxes", async (c, signedIn) => {
    if (!holdsAnywhere(signedIn.principal, "read")) return refused(c, signedIn, "read");
    return renderList(c, signedIn, { name: "", kind: "prompt" });
  });

  action(app, "/sandboxes", async (c, signedIn, form) => {
    if (!holdsAnywhere(signedIn.principal, "deploy")) return refused(c, signedIn, "deploy");
    const input = { name: field(form, "name"), kind: field(form, "kind") };
    const body = CreateSandboxBody.safeParse({ ...input, spec: STARTER_SPECS[input.kind === "workflow" ? "workflow" : "prompt"] });
    if (!body.success) return renderList(c, signedIn, input, validationFailure(body.error.issues));
    const created = await createSandbox(c.get("deps"), signedIn.principal, body.data);
    if (!created.ok) return renderList(c, signedIn, input, created.error);
    return c.redirect(`/sandboxes/${encodeURIComponent(created.value.id)}?done=created`, 303);
  });

  page(app, "/sandboxes/:id", async (c, signedIn) => {
    if (!holdsAnywhere(signedIn.principal, "read")) return refused(c, signedIn, "read");
    const sandbox = await sandboxOf(c, signedIn.principal);
    if (!sandbox) return notFound(c, signedIn);
    const done = c.req.query("done");
    return renderEditor(c, signedIn, sandbox, { draft: draftOf(sandbox), done: done !== undefined && done in EDITOR_DONE ? (done as EditorDone) : undefined });
  });

  action(app, "/sandboxes/:id", async (c, signedIn, form) => {
    if (!holdsAnywhere(signedIn.principal, "deploy")) return refused(c, signedIn, "deploy");
    const sandbox = await sandboxOf(c, signedIn.principal);
    if (!sandbox) return notFound(c, signedIn);
    const draft = readDraft(sandbox.kind, form);
    const changes = draftChanges(draft);
    if (!changes.ok) return renderEditor(c, signedIn, sandbox, { draft, saveFailure: changes.error }, 400);
    const saved = await updateSandbox(c.get("deps"), signedIn.principal, sandbox.id, changes.value, draft.revision);
    if (saved.ok) return c.redirect(`/sandboxes/${encodeURIComponent(sandbox.id)}?done=${saved.value.revision === sandbox.revision ? "unchanged" : "saved"}`, 303);
    if (saved.error.code === "NOT_FOUND") return notFound(c, signedIn);
    if (saved.error.code === "STALE_REVISION") return renderEditor(c, signedIn, sandbox, { draft, staleAt: sandbox.revision }, 412);
    return renderEditor(c, signedIn, sandbox, { draft, saveFailure: saved.error }, statusOf(saved.error));
  });

  action(app, "/sandboxes/:id/run", async (c, signedIn, form) => {
    if (!holdsAnywhere(signedIn.principal, "execute")) return refused(c, signedIn, "execute");
    const sandbox = await sandboxOf(c, signedIn.principal);
    if (!sandbox) return notFound(c, signedIn);
    const runForm = { environment: field(form, "environment"), scenario: field(form, "scenario"), inputs: field(form, "inputs") };
    const revision = Number(field(form, "revision"));
    const inputs = runInputs(runForm.inputs);
    const result = inputs.ok
      ? await runSandbox(c.get("deps"), signedIn.principal, sandbox.id, signedIn.principal.environment ? undefined : runForm.environment, {
          scenario: runForm.scenario || undefined,
          inputs: inputs.value,
          revision: Number.isInteger(revision) && revision > 0 ? revision : undefined,
        })
      : inputs;
    const run = result.ok ? { form: runForm, result: result.value } : { form: runForm, failure: result.error };
    return renderEditor(c, signedIn, sandbox, { draft: draftOf(sandbox), run }, result.ok ? 200 : statusOf(result.error));
  });

  action(app, "/sandboxes/:id/deploy", async (c, signedIn, form) => {
    if (!holdsAnywhere(signedIn.principal, "deploy")) return refused(c, signedIn, "deploy");
    const sandbox = await sandboxOf(c, signedIn.principal);
    if (!sandbox) return notFound(c, signedIn);
    const input = deployForm(form);
    const revision = Number(field(form, "revision"));
    const body = DeployBody.safeParse({
      deployment_name: input.deploymentName,
      environments: input.environments,
      release_tags: input.tags ? input.tags.split(/[\s,]+/).filter((t) => t !== "") : undefined,
      description: input.description || undefined,
      sandbox_revision: Number.isInteger(revision) && revision > 0 ? revision : undefined,
    });
    const deployed = body.success
      ? await deploySandbox(c.get("deps"), signedIn.principal, sandbox.id, body.data)
      : { ok: false as const, error: validationFailure(body.error.issues) };
    if (deployed.ok) {
      const released = new URLSearchParams(deployed.value.releases.map((r): [string, string] => ["released", r.id]));
      return c.redirect(`/deployments/${encodeURIComponent(deployed.value.deployment.name)}?${released.toString()}`, 303);
    }
    return renderEditor(c, signedIn, sandbox, { draft: draftOf(sandbox), deploy: { form: input, failure: deployed.error } }, statusOf(deployed.error));
  });
}
