import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createWorkspace, storageSnapshot, type TestWorkspace } from "../harness";
import { createSandbox, promptSpec } from "../lifecycle/fixtures";
import { call, FORM, signIn } from "./browser-session";

const decode = (text: string) =>
  text
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, "&");

const attribute = (tag: string, name: string) => {
  const found = new RegExp(`\\s${name}="([^"]*)"`).exec(tag);
  return found ? decode(found[1] as string) : undefined;
};

/** The fields a browser would post for the form with this id, as the page renders it (checked boxes, selected options). */
function formFields(html: string, id: string): [string, string][] {
  const form = new RegExp(`<form[^>]*id="${id}"[^>]*>([\\s\\S]*?)</form>`).exec(html)?.[1];
  if (form === undefined) throw new Error(`no form #${id}`);
  const fields: [string, string][] = [];
  for (const match of form.matchAll(/<input\b[^>]*>|<textarea\b[^>]*>[\s\S]*?<\/textarea>|<select\b[^>]*>[\s\S]*?<\/select>/g)) {
    const element = match[0];
    const name = attribute(element.slice(0, element.indexOf(">") + 1), "name");
    if (!name) continue;
    if (element.startsWith("<input")) {
      const type = attribute(element, "type");
      if ((type === "checkbox" || type === "radio") && !/\schecked(=""|\s|>|\/)/.test(element)) continue;
      fields.push([name, attribute(element, "value") ?? ""]);
    } else if (element.startsWith("<textarea")) {
      fields.push([name, decode(/>([\s\S]*)<\/textarea>$/.exec(element)?.[1] ?? "")]);
    } else {
      const options = [...element.matchAll(/<option\b[^>]*>/g)].map((o) => o[0]);
      const selected = options.find((o) => /\sselected(=""|\s|>)/.test(o)) ?? options[0];
      fields.push([name, selected ? (attribute(selected, "value") ?? "") : ""]);
    }
  }
  return fields;
}

/** Posts the form `id` of the page at `path` as the browser would, with some fields changed. */
async function submit(cookie: string, path: string, id: string, changes: Record<string, string | string[]> = {}, options: { action?: string } = {}) {
  const page = await call(path, { headers: { cookie } });
  expect(page.status).toBe(200);
  const fields = formFields(page.body, id).filter(([name]) => !(name in changes));
  for (const [name, value] of Object.entries(changes)) for (const v of Array.isArray(value) ? value : [value]) fields.push([name, v]);
  const action = options.action ?? attribute(new RegExp(`<form[^>]*id="${id}"[^>]*>`).exec(page.body)?.[0] ?? "", "action");
  return call(action as string, { method: "POST", rawBody: new URLSearchParams(fields).toString(), headers: { ...FORM, cookie } });
}

async function storedSandbox(id: string) {
  const row = await env.DB.prepare("SELECT revision, spec, scenarios FROM sandboxes WHERE id = ?").bind(id).first<{ revision: number; spec: string; scenarios: string }>();
  return row ? { revision: row.revision, spec: JSON.parse(row.spec), scenarios: JSON.parse(row.scenarios) } : null;
}

async function workspaceWithSandbox(): Promise<{ ws: TestWorkspace; id: string; cookie: string }> {
  const ws = await createWorkspace();
  const sandbox = await createSandbox(ws);
  const saved = await call(`/v1/sandboxes/${sandbox.id}`, {
    method: "PATCH",
    key: ws.adminKey,
    body: { scenarios: [{ name: "basic", inputs: { question: "How do I roll back?" } }] },
  });
  expect(saved.status).toBe(200);
  return { ws, id: sandbox.id, cookie: await signIn(ws.adminKey) };
}

// Deploys wait out the edge-cache rule and several tests sign in several keys: more than the default 5 s on a busy machine.
describe("dashboard sandboxes", { timeout: 30_000 }, () => {
  it("lists the workspace's sandboxes and creates one from the form", async () => {
    const { ws, id, cookie } = await workspaceWithSandbox();
    const list = await call("/sandboxes", { headers: { cookie } });
    expect(list.status).toBe(200);
    expect(list.body).toContain(`<a href="/sandboxes/${id}">faq</a>`);
    expect(list.body).toContain("not deployed yet");
    expect(list.body).toContain('action="/sandboxes"');

    const posted = await submit(cookie, "/sandboxes", "new-form", { name: "router", kind: "workflow" });
    expect(posted.status).toBe(303);
    const location = posted.headers.get("location") as string;
    expect(location).toMatch(/^\/sandboxes\/sbx_[^?]+\?done=created$/);
    const row = await env.DB.prepare("SELECT kind, revision FROM sandboxes WHERE workspace_id = ? AND name = 'router'").bind(ws.id).first();
    expect(row).toEqual({ kind: "workflow", revision: 1 });
    const editor = await call(location, { headers: { cookie } });
    expect(editor.body).toContain("The sandbox was created at revision 1.");
    expect(editor.body).toMatch(/<textarea[^>]*name="spec"[^>]*data-editor="json"/);

    // A taken name is refused on the re-rendered form, and nothing is created.
    const before = await storageSnapshot();
    const taken = await submit(cookie, "/sandboxes", "new-form", { name: "faq" });
    expect(taken.status, /<main>[\s\S]*<\/main>/.exec(taken.body)?.[0]).toBe(409);
    expect(taken.body).toContain("A sandbox named &quot;faq&quot; already exists");
    expect(taken.body).toMatch(/id="new-name" name="name" value="faq"/);
    expect(await storageSnapshot()).toEqual(before);
  });

  it("saves the edited form as revision N+1, with the typed template", async () => {
    const { id, cookie } = await workspaceWithSandbox();
    const page = await call(`/sandboxes/${id}`, { headers: { cookie } });
    expect(page.status).toBe(200);
    expect(page.headers.get("content-security-policy")).toMatch(/style-src 'self' 'nonce-[A-Za-z0-9+/=]+';/);
    expect(page.body).toMatch(/<script type="module" src="\/static\/editor.js" data-style-nonce="[A-Za-z0-9+/=]+"><\/script>/);
    expect(page.body).toMatch(/<textarea[^>]*name="block-1-template"[^>]*data-editor="jinja"[^>]*>\{\{ question \}\}<\/textarea>/);

    const saved = await submit(cookie, `/sandboxes/${id}`, "edit-form", {
      "block-1-template": "Answer briefly: {{ question }}",
      "model-parameters": '{"temperature": 0.5, "max_tokens": 256}',
      "var-2-key": "tone",
      "var-2-default": "friendly",
    });
    expect(saved.status, /error-summary[\s\S]*?<\/div>/.exec(saved.body)?.[0]).toBe(303);
    expect(saved.headers.get("location")).toBe(`/sandboxes/${id}?done=saved`);
    const stored = await storedSandbox(id);
    expect(stored?.revision).toBe(3);
    expect(stored?.spec.blocks[1]).toEqual({ role: "user", template: "Answer briefly: {{ question }}" });
    expect(stored?.spec.model.parameters).toEqual({ temperature: 0.5, max_tokens: 256 });
    expect(stored?.spec.input_variables).toEqual([...promptSpec().input_variables, { key: "tone", type: "STRING", default: "friendly" }]);
    expect(stored?.scenarios).toEqual([{ name: "basic", inputs: { question: "How do I roll back?" } }]);
    const revisions = await env.DB.prepare("SELECT revision FROM sandbox_revisions WHERE sandbox_id = ? ORDER BY revision").bind(id).all();
    expect(revisions.results.map((r) => r.revision)).toEqual([1, 2, 3]);

    // The untouched form saves nothing; removing a row does.
    const again = await submit(cookie, `/sandboxes/${id}`, "edit-form");
    expect(again.headers.get("location")).toBe(`/sandboxes/${id}?done=unchanged`);
    expect((await storedSandbox(id))?.revision).toBe(3);
    const removed = await submit(cookie, `/sandboxes/${id}`, "edit-form", { "var-2-remove": "1", "scenario-0-remove": "1" });
    expect(removed.headers.get("location")).toBe(`/sandboxes/${id}?done=saved`);
    const after = await storedSandbox(id);
    expect(after?.spec.input_variables.map((v: { key: string }) => v.key)).toEqual(["question", "product"]);
    expect(after?.scenarios).toEqual([]);
  });

  it("saves fallback models typed as JSON and keeps them through a later save of other fields", async () => {
    const { id, cookie } = await workspaceWithSandbox();
    const fallbacks = [{ provider: "anthropic", name: "claude-sonnet-4-5" }];
    const saved = await submit(cookie, `/sandboxes/${id}`, "edit-form", { "fallback-models": JSON.stringify(fallbacks) });
    expect(saved.status, /error-summary[\s\S]*?<\/div>/.exec(saved.body)?.[0]).toBe(303);
    expect((await storedSandbox(id))?.spec.fallback_models).toEqual(fallbacks);

    const again = await submit(cookie, `/sandboxes/${id}`, "edit-form", { "block-1-template": "Briefly: {{ question }}" });
    expect(again.headers.get("location")).toBe(`/sandboxes/${id}?done=saved`);
    expect((await storedSandbox(id))?.spec.fallback_models).toEqual(fallbacks);

    const bad = await submit(cookie, `/sandboxes/${id}`, "edit-form", { "fallback-models": '[{"provider": "nope"}]' });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatch(/id="fallback-models"[^>]*aria-invalid="true"|aria-invalid="true"[^>]*id="fallback-models"/);
    expect((await storedSandbox(id))?.spec.fallback_models).toEqual(fallbacks);
  });

  it("refuses a save based on a stale revision and changes nothing", async () => {
    const { ws, id, cookie } = await workspaceWithSandbox();
    const page = await call(`/sandboxes/${id}`, { headers: { cookie } });
    const fields = formFields(page.body, "edit-form").map(([name, value]): [string, string] => [name, name === "block-1-template" ? "Mine: {{ question }}" : value]);
    expect((await call(`/v1/sandboxes/${id}`, { method: "PATCH", key: ws.adminKey, body: { spec: promptSpec("Theirs: {{ question }}") } })).status).toBe(200);
    const before = await storageSnapshot();
    const stale = await call(`/sandboxes/${id}`, { method: "POST", rawBody: new URLSearchParams(fields).toString(), headers: { ...FORM, cookie } });
    expect(stale.status).toBe(412);
    expect(stale.body).toContain("Someone saved revision 3 meanwhile");
    expect(stale.body).toContain("Nothing was saved.");
    expect(stale.body).toContain("Mine: {{ question }}");
    expect(await storageSnapshot()).toEqual(before);
    expect((await storedSandbox(id))?.spec.blocks[1].template).toBe("Theirs: {{ question }}");
  });

  it("shows the domain's validation errors by field path, keeps the input and saves nothing", async () => {
    const { id, cookie } = await workspaceWithSandbox();
    const before = await storageSnapshot();
    const invalid = await submit(cookie, `/sandboxes/${id}`, "edit-form", { "block-1-template": "Hello {{ questoin }}" });
    expect(invalid.status).toBe(422);
    expect(invalid.body).toContain('<a href="#block-1-template"><code>spec.blocks[1].template</code></a>: Unknown variable &quot;questoin&quot;');
    expect(invalid.body).toMatch(/<textarea[^>]*id="block-1-template"[^>]*aria-invalid="true"[^>]*>Hello \{\{ questoin \}\}<\/textarea>/);
    expect(await storageSnapshot()).toEqual(before);

    const badJson = await submit(cookie, `/sandboxes/${id}`, "edit-form", { "model-parameters": "{temperature: 1}", "scenario-0-inputs": "[1" });
    expect(badJson.status).toBe(400);
    expect(badJson.body).toContain("<code>spec.model.parameters</code></a>: Not valid JSON");
    expect(badJson.body).toContain("<code>scenarios[0].inputs</code></a>: Not valid JSON");
    expect(badJson.body).toContain("{temperature: 1}");

    const badProvider = await submit(cookie, `/sandboxes/${id}`, "edit-form", { "model-provider": "nope" });
    expect(badProvider.status).toBe(400);
    expect(badProvider.body).toContain("<code>spec.model.provider</code>");
    expect(await storageSnapshot()).toEqual(before);
  });

  it("runs a scenario on the echo model and shows the output, latency, tokens and cost", async () => {
    const { id, cookie } = await workspaceWithSandbox();
    const run = await submit(cookie, `/sandboxes/${id}`, "run-form", { environment: "development", scenario: "basic" });
    expect(run.status).toBe(200);
    expect(run.body).toContain('data-state="FULFILLED"');
    expect(run.body).toMatch(/<pre class="output" id="run-output">How do I roll back\?<\/pre>/);
    expect(run.body).toMatch(/<dt>Latency<\/dt><dd>\d+ ms<\/dd>/);
    expect(run.body).toMatch(/<dt>Tokens<\/dt><dd>\d+ in, \d+ out<\/dd>/);
    expect(run.body).toContain("<dt>Cost</dt>");

    const typed = await submit(cookie, `/sandboxes/${id}`, "run-form", { environment: "staging", scenario: "", inputs: '{"question": "Typed by hand"}' });
    expect(typed.body).toContain("Typed by hand</pre>");
    expect(typed.body).toContain("in staging");

    const missing = await submit(cookie, `/sandboxes/${id}`, "run-form", { environment: "staging", scenario: "", inputs: "" });
    expect(missing.status).toBe(400);
    expect(missing.body).toContain("The run was refused");
  });

  it("runs a workflow and shows each node's result", async () => {
    const ws = await createWorkspace();
    const cookie = await signIn(ws.adminKey);
    const created = await submit(cookie, "/sandboxes", "new-form", { name: "flow", kind: "workflow" });
    const path = (created.headers.get("location") as string).replace(/\?.*$/, "");
    const run = await submit(cookie, path, "run-form", { environment: "development", inputs: '{"question": "Through the graph"}' });
    expect(run.status).toBe(200);
    expect(run.body).toContain("answer: Through the graph");
    expect(run.body).toMatch(/<tr data-node="answer"><th scope="row">answer<\/th><td>prompt<\/td><td>FULFILLED<\/td>/);
    expect(run.body).toContain('<tr data-node="final">');

    // The workflow spec is edited as JSON; a dangling edge is refused naming it.
    const spec = JSON.parse(decode(/<textarea[^>]*name="spec"[^>]*>([\s\S]*?)<\/textarea>/.exec(run.body)?.[1] as string));
    spec.edges.push({ from: "answer", to: "ghost" });
    const refused = await submit(cookie, path, "edit-form", { spec: JSON.stringify(spec) });
    expect(refused.status).toBe(422);
    expect(refused.body).toContain('<a href="#spec"><code>spec.edges[1].to</code></a>: Edge refers to unknown node &quot;ghost&quot;');
    spec.edges.pop();
    spec.nodes[1].value = "Answer: {{ nodes.answer.text }}";
    const saved = await submit(cookie, path, "edit-form", { spec: JSON.stringify(spec) });
    expect(saved.status).toBe(303);
  });

  it("deploys to development and staging at once: two releases and their KV pointers", async () => {
    const { ws, id, cookie } = await workspaceWithSandbox();
    const page = await call(`/sandboxes/${id}`, { headers: { cookie } });
    // Development and staging are ticked by default; production (protected) is offered no checkbox.
    expect(page.body).toMatch(/<input type="checkbox" id="deploy-env-development" name="environments" value="development" checked=""/);
    expect(page.body).toMatch(/<input type="checkbox" id="deploy-env-staging" name="environments" value="staging" checked=""/);
    expect(page.body).not.toContain('id="deploy-env-production"');
    expect(page.body).toContain("production is protected");

    const deployed = await submit(cookie, `/sandboxes/${id}`, "deploy-form", { deployment_name: "faq", release_tags: "v1.0.0", description: "First release" });
    expect(deployed.status).toBe(303);
    expect(deployed.headers.get("location")).toMatch(/^\/deployments\/faq\?released=rel_\w+&released=rel_\w+$/);
    const deployment = await env.DB.prepare("SELECT id FROM deployments WHERE workspace_id = ? AND name = 'faq'").bind(ws.id).first<{ id: string }>();
    const releases = await env.DB.prepare("SELECT environment_id FROM releases WHERE deployment_id = ?").bind(deployment?.id).all<{ environment_id: string }>();
    expect(releases.results.map((r) => r.environment_id).sort()).toEqual([ws.environments.development?.id, ws.environments.staging?.id].sort());
    for (const name of ["development", "staging"]) {
      expect(await env.EDGE.get(`pointer:${ws.environments[name]?.id}:${deployment?.id}:LATEST`)).not.toBeNull();
      expect(await env.EDGE.get(`pointer:${ws.environments[name]?.id}:${deployment?.id}:v1.0.0`)).not.toBeNull();
    }
    const list = await call("/sandboxes", { headers: { cookie } });
    expect(list.body).toContain('<a href="/deployments/faq">faq</a>');

    // All or nothing: production refuses, so nothing is deployed anywhere.
    const before = await storageSnapshot();
    const refused = await submit(cookie, `/sandboxes/${id}`, "deploy-form", { environments: ["development", "production"] });
    expect(refused.status).toBe(409);
    expect(refused.body).toContain("Nothing was deployed");
    expect(await storageSnapshot()).toEqual(before);
  });

  it("refuses posts without the CSRF token and changes nothing", async () => {
    const { id, cookie } = await workspaceWithSandbox();
    const page = await call(`/sandboxes/${id}`, { headers: { cookie } });
    const before = await storageSnapshot();
    for (const [form, path] of [
      ["edit-form", `/sandboxes/${id}`],
      ["deploy-form", `/sandboxes/${id}/deploy`],
    ] as const) {
      const fields = formFields(page.body, form).filter(([name]) => name !== "csrf");
      const res = await call(path, { method: "POST", rawBody: new URLSearchParams(fields).toString(), headers: { ...FORM, cookie } });
      expect(res.status).toBe(403);
    }
    const forged = await call("/sandboxes", { method: "POST", rawBody: "csrf=forged&name=evil&kind=prompt", headers: { ...FORM, cookie } });
    expect(forged.status).toBe(403);
    expect(await storageSnapshot()).toEqual(before);
  });

  it("offers a read-only key no forms, refuses its posts, and hides other workspaces' sandboxes", async () => {
    const { ws, id, cookie } = await workspaceWithSandbox();
    const reader = await ws.key({ scopes: ["read"], environment: "staging", name: "staging reader" });
    const deployer = await ws.key({ scopes: ["read", "deploy"], environment: "staging", name: "staging deployer" });
    const other = await createWorkspace("Other");
    const readerCookie = await signIn(reader.key);
    const list = await call("/sandboxes", { headers: { cookie: readerCookie } });
    expect(list.status).toBe(200);
    expect(list.body).toContain(`/sandboxes/${id}`);
    expect(list.body).not.toContain('action="/sandboxes"');
    const page = await call(`/sandboxes/${id}`, { headers: { cookie: readerCookie } });
    expect(page.status).toBe(200);
    expect(page.body).toContain('<fieldset class="plain" disabled="">');
    expect(page.body).not.toContain("Save revision");
    expect(page.body).not.toContain('id="run-form"');
    expect(page.body).not.toContain('id="deploy-form"');

    const csrf = /name="csrf" value="([^"]+)"/.exec(page.body)?.[1] as string;
    const full = formFields((await call(`/sandboxes/${id}`, { headers: { cookie } })).body, "edit-form").map(([n, v]): [string, string] => [n, n === "csrf" ? csrf : v]);
    const before = await storageSnapshot();
    for (const path of [`/sandboxes/${id}`, `/sandboxes/${id}/deploy`, `/sandboxes/${id}/run`, "/sandboxes"]) {
      const res = await call(path, {
        method: "POST",
        rawBody: new URLSearchParams([...full, ["deployment_name", "faq"], ["environments", "staging"], ["name", "x"]]).toString(),
        headers: { ...FORM, cookie: readerCookie },
      });
      expect(res.status).toBe(403);
      expect(res.body).toContain("Refused");
    }
    expect(await storageSnapshot()).toEqual(before);

    // A deploy-only key in staging may not deploy to development: the domain refuses, nothing changes.
    const deployerCookie = await signIn(deployer.key);
    const offered = await call(`/sandboxes/${id}`, { headers: { cookie: deployerCookie } });
    expect(offered.body).toContain('id="deploy-env-staging"');
    expect(offered.body).not.toContain('id="deploy-env-development"');
    const outside = await submit(deployerCookie, `/sandboxes/${id}`, "deploy-form", { environments: ["development"] });
    expect(outside.status).toBe(404);
    expect(await storageSnapshot()).toEqual(before);

    const otherCookie = await signIn(other.adminKey);
    expect((await call(`/sandboxes/${id}`, { headers: { cookie: otherCookie } })).status).toBe(404);
    const otherPage = await call("/sandboxes", { headers: { cookie: otherCookie } });
    const otherCsrf = /name="csrf" value="([^"]+)"/.exec(otherPage.body)?.[1] as string;
    const posted = await call(`/sandboxes/${id}`, {
      method: "POST",
      rawBody: new URLSearchParams([...full.filter(([n]) => n !== "csrf"), ["csrf", otherCsrf]]).toString(),
      headers: { ...FORM, cookie: otherCookie },
    });
    expect(posted.status).toBe(404);
    expect(await storageSnapshot()).toEqual(before);
  });
});
