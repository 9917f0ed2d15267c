import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { call, createWorkspace, expectProblem, storageSnapshot } from "../harness";
import { createSandbox, promptSpec } from "../lifecycle/fixtures";

const workflowSpec = (nodes: Record<string, unknown>[], edges: unknown[]) => ({ input_variables: [{ key: "question", type: "STRING" }], nodes, edges });

const retrieval = workflowSpec(
  [
    { id: "retrieve", type: "search", index: "faq", query: "{{ inputs.question }}", limit: 3 },
    { id: "answer", type: "prompt", prompt: { model: { provider: "echo", name: "echo" }, blocks: [{ role: "user", template: "{{ nodes.retrieve.text }}" }] } },
    { id: "final", type: "output", name: "answer", value: "{{ nodes.answer.text }}" },
  ],
  [
    { from: "retrieve", to: "answer" },
    { from: "answer", to: "final" },
  ],
);

async function refusedSpec(kind: string, spec: unknown) {
  const ws = await createWorkspace();
  const before = await storageSnapshot();
  const res = await call("/v1/sandboxes", { key: ws.adminKey, body: { name: "s", kind, spec } });
  expect(await storageSnapshot()).toEqual(before);
  return res;
}

describe("sandboxes", () => {
  it("every save is a numbered revision; earlier revisions stay readable", async () => {
    const ws = await createWorkspace();
    const sandbox = await createSandbox(ws);
    const saved = await call(`/v1/sandboxes/${sandbox.id}`, {
      method: "PATCH",
      key: ws.adminKey,
      body: { spec: promptSpec("Q: {{ question }}"), scenarios: [{ name: "basic", inputs: { question: "hi" } }] },
    });
    expect(saved.status).toBe(200);
    expect(saved.body).toMatchObject({ revision: 2, scenarios: [{ name: "basic", inputs: { question: "hi" } }] });
    expect(saved.headers.get("etag")).toBe('"2"');
    const first = await call(`/v1/sandboxes/${sandbox.id}?revision=1`, { key: ws.adminKey });
    expect(first.body.revision).toBe(1);
    expect(first.body.spec.blocks[1].template).toBe("{{ question }}");
    expect((await call(`/v1/sandboxes/${sandbox.id}`, { key: ws.adminKey })).body.spec.blocks[1].template).toBe("Q: {{ question }}");
    expectProblem(await call(`/v1/sandboxes/${sandbox.id}?revision=9`, { key: ws.adminKey }), 404);
  });

  it("null in a PATCH clears the scenarios, and is refused as 'Cannot be cleared' for the name and the spec", async () => {
    const ws = await createWorkspace();
    const created = await call("/v1/sandboxes", {
      key: ws.adminKey,
      body: { name: "draft", kind: "prompt", spec: promptSpec(), scenarios: [{ name: "s", inputs: { question: "Q?" } }] },
    });
    const before = await storageSnapshot();
    const refused = await call(`/v1/sandboxes/${created.body.id}`, { method: "PATCH", key: ws.adminKey, body: { name: null, spec: null } });
    expect(expectProblem(refused, 400, "VALIDATION_FAILED").errors).toEqual([
      { path: "body.name", message: "Cannot be cleared" },
      { path: "body.spec", message: "Cannot be cleared" },
    ]);
    expect(await storageSnapshot()).toEqual(before);
    const cleared = await call(`/v1/sandboxes/${created.body.id}`, { method: "PATCH", key: ws.adminKey, body: { scenarios: null } });
    expect(cleared.status).toBe(200);
    expect(cleared.body).toMatchObject({ revision: 2, scenarios: [], name: "draft" });
    const stored = await env.DB.prepare("SELECT scenarios FROM sandboxes WHERE id = ?").bind(created.body.id).first<string>("scenarios");
    expect(JSON.parse(stored!)).toEqual([]);
  });

  it("a save based on a stale revision is refused with If-Match", async () => {
    const ws = await createWorkspace();
    const sandbox = await createSandbox(ws);
    await call(`/v1/sandboxes/${sandbox.id}`, { method: "PATCH", key: ws.adminKey, body: { name: "faq-2" } });
    const before = await storageSnapshot();
    expectProblem(await call(`/v1/sandboxes/${sandbox.id}`, { method: "PATCH", key: ws.adminKey, headers: { "if-match": '"1"' }, body: { name: "faq-3" } }), 412, "STALE_REVISION");
    expect(await storageSnapshot()).toEqual(before);
    expect((await call(`/v1/sandboxes/${sandbox.id}`, { method: "PATCH", key: ws.adminKey, headers: { "if-match": '"2"' }, body: { name: "faq-3" } })).status).toBe(200);
  });

  it("an unknown template variable is a 422 naming the block", async () => {
    const res = await refusedSpec("prompt", promptSpec("{{ questoin }}"));
    expect(expectProblem(res, 422, "SPEC_INVALID").errors).toEqual([{ path: "body.spec.blocks[1].template", message: expect.stringContaining('Unknown variable "questoin"') }]);
  });

  it("bad Jinja syntax is a 422 naming the block", async () => {
    const res = await refusedSpec("prompt", promptSpec("{% if question %}unclosed"));
    expect(expectProblem(res, 422, "SPEC_INVALID").errors).toEqual([{ path: "body.spec.blocks[1].template", message: expect.stringContaining("syntax") }]);
  });

  it("loop variables and set names are not unknown variables; env.NAME is allowed", async () => {
    const ws = await createWorkspace();
    const spec = promptSpec("{% for w in question.split(' ') %}{{ loop.index }}:{{ w }} {% endfor %}{% set n = 2 %}{{ n }} {{ env.region }}");
    expect((await call("/v1/sandboxes", { key: ws.adminKey, body: { name: "s", kind: "prompt", spec } })).status).toBe(201);
  });

  it("a wrongly typed spec field is a 400 naming it", async () => {
    const res = await refusedSpec("prompt", { ...promptSpec(), model: { provider: "nope", name: "x" } });
    expect((expectProblem(res, 400, "VALIDATION_FAILED").errors as { path: string }[]).map((e) => e.path)).toEqual(["body.spec.model.provider"]);
  });

  it("a retrieval workflow is accepted", async () => {
    const ws = await createWorkspace();
    const res = await call("/v1/sandboxes", { key: ws.adminKey, body: { name: "wf", kind: "workflow", spec: retrieval } });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ kind: "workflow", revision: 1 });
  });

  it("a dangling edge is a 422 naming it", async () => {
    const spec = { ...retrieval, edges: [...retrieval.edges, { from: "answer", to: "ghost" }] };
    const res = await refusedSpec("workflow", spec);
    expect(expectProblem(res, 422, "SPEC_INVALID").errors).toContainEqual({ path: "body.spec.edges[2].to", message: 'Edge refers to unknown node "ghost"' });
  });

  it("a cycle is a 422 naming its nodes", async () => {
    const spec = { ...retrieval, edges: [...retrieval.edges, { from: "answer", to: "retrieve" }] };
    const res = await refusedSpec("workflow", spec);
    expect(expectProblem(res, 422, "SPEC_INVALID").errors).toContainEqual({ path: "body.spec.edges", message: 'The graph has a cycle through "retrieve", "answer"' });
  });

  it("a node no output depends on is unreachable", async () => {
    const spec = { ...retrieval, nodes: [...retrieval.nodes, { id: "orphan", type: "template", template: "x" }] };
    const res = await refusedSpec("workflow", spec);
    expect(expectProblem(res, 422, "SPEC_INVALID").errors).toContainEqual({ path: "body.spec.nodes[3]", message: 'Node "orphan" is unreachable: no output depends on it' });
  });

  it("a template reading a node that does not run before it is refused", async () => {
    const nodes = retrieval.nodes.map((n: Record<string, unknown>) => (n.id === "final" ? { ...n, value: "{{ nodes.missing.text }} {{ inputs.nope }}" } : n));
    const res = await refusedSpec("workflow", { ...retrieval, nodes });
    const messages = (expectProblem(res, 422, "SPEC_INVALID").errors as { message: string }[]).map((e) => e.message);
    expect(messages).toEqual(expect.arrayContaining(['Unknown node "missing"', 'Unknown input "nope"']));
  });

  it("scenarios must fit the input variables", async () => {
    const ws = await createWorkspace();
    const res = await call("/v1/sandboxes", { key: ws.adminKey, body: { name: "s", kind: "prompt", spec: promptSpec(), scenarios: [{ name: "x", inputs: { extra: 1 } }] } });
    const paths = (expectProblem(res, 422, "SPEC_INVALID").errors as { path: string }[]).map((e) => e.path).sort();
    expect(paths).toEqual(["body.scenarios[0].inputs.extra", "body.scenarios[0].inputs.question"]);
  });

  it("names are unique in a workspace", async () => {
    const ws = await createWorkspace();
    await createSandbox(ws, "dup");
    expectProblem(await call("/v1/sandboxes", { key: ws.adminKey, body: { name: "dup", kind: "prompt", spec: promptSpec() } }), 409, "SANDBOX_NAME_TAKEN");
  });
});
