import { VellumClient } from "vellum-ai";
import { afterEach, describe, expect, it, vi } from "vitest";
import { executionsRecorded, mockNetwork, UPSTREAM } from "../execute/upstream";
import { call, createWorkspace, expectProblem, type TestWorkspace } from "../harness";
import { createSandbox, saveSandbox } from "../lifecycle/fixtures";
import { SERVER } from "../vellum/sdk-client";

afterEach(() => {
  vi.restoreAllMocks();
});

const retrieval = {
  input_variables: [{ key: "question", type: "STRING" }],
  nodes: [
    { id: "retrieve", type: "search", index: "faq", query: "{{ inputs.question }}", limit: 1 },
    { id: "answer", type: "prompt", prompt: { model: { provider: "echo", name: "echo" }, blocks: [{ role: "user", template: "Per our docs: {{ nodes.retrieve.text }}" }] } },
    { id: "final", type: "output", name: "answer", value: "{{ nodes.answer.text }}" },
  ],
  edges: [
    { from: "retrieve", to: "answer" },
    { from: "answer", to: "final" },
  ],
};

async function deployWorkflow(ws: TestWorkspace, spec: unknown, environments: string[], name = "flow") {
  const sandbox = await createSandbox(ws, name, spec, "workflow");
  const deployed = await call(`/v1/sandboxes/${sandbox.id}/deploy`, { key: ws.adminKey, body: { deployment_name: name, environments } });
  expect(deployed.status).toBe(201);
  return { sandbox, releases: deployed.body.releases as { id: string; environment: string }[] };
}

async function addDoc(ws: TestWorkspace, environment: string, text: string) {
  await call(`/v1/document-indexes?environment=${environment}`, { key: ws.adminKey, body: { name: "faq" } });
  await call(`/v1/document-indexes/faq/documents?environment=${environment}`, { key: ws.adminKey, body: { title: "Refunds", text } });
}

const run = (key: string, inputs: unknown[], extra: Record<string, unknown> = {}) =>
  call("/v1/execute-workflow", { key, body: { workflow_deployment_name: "flow", inputs, ...extra } });
const question = (value: string) => [{ name: "question", type: "STRING", value }];

describe("workflows", () => {
  it("a retrieval workflow answers from each environment's own documents", async () => {
    const ws = await createWorkspace();
    await addDoc(ws, "staging", "Refunds take 30 days (staging).");
    await call("/v1/environments/production", { method: "PATCH", key: ws.adminKey, body: { protected: false } });
    await addDoc(ws, "production", "Refunds take 14 days.");
    await deployWorkflow(ws, retrieval, ["staging", "production"]);
    const staging = (await ws.key({ environment: "staging", scopes: ["execute"] })).key;
    const production = (await ws.key({ environment: "production", scopes: ["execute"] })).key;

    const fromStaging = await run(staging, question("How long do refunds take?"));
    expect(fromStaging.status).toBe(200);
    expect(fromStaging.body.data).toMatchObject({ state: "FULFILLED", outputs: [{ name: "answer", type: "STRING", value: "Per our docs: Refunds take 30 days (staging)." }] });
    expect((await run(production, question("How long do refunds take?"))).body.data.outputs[0].value).toBe("Per our docs: Refunds take 14 days.");
    expect(fromStaging.body.nodes.map((n: { id: string; status: string }) => [n.id, n.status])).toEqual([
      ["retrieve", "FULFILLED"],
      ["answer", "FULFILLED"],
      ["final", "FULFILLED"],
    ]);
    const [record] = await executionsRecorded(ws.id, 1, "kind = 'workflow'");
    expect(record?.status).toBe("FULFILLED");
  });

  it("a conditional takes exactly one path; independent branches both run", async () => {
    const ws = await createWorkspace();
    const spec = {
      input_variables: [{ key: "tier", type: "STRING" }],
      nodes: [
        { id: "route", type: "conditional", cases: [{ when: "inputs.tier == 'gold'", then: "gold" }], else: "basic" },
        { id: "gold", type: "template", template: "VIP" },
        { id: "basic", type: "template", template: "standard" },
        { id: "left", type: "template", template: "L" },
        { id: "right", type: "template", template: "R" },
        { id: "level", type: "output", name: "level", value: "{{ nodes.gold.text }}{{ nodes.basic.text }}" },
        { id: "both", type: "output", name: "both", value: "{{ nodes.left.text }}+{{ nodes.right.text }}" },
      ],
      edges: [
        { from: "route", to: "gold" },
        { from: "route", to: "basic" },
        { from: "gold", to: "level" },
        { from: "basic", to: "level" },
        { from: "left", to: "both" },
        { from: "right", to: "both" },
      ],
    };
    await deployWorkflow(ws, spec, ["staging"]);
    const key = (await ws.key({ environment: "staging", scopes: ["execute"] })).key;
    const gold = await run(key, [{ name: "tier", type: "STRING", value: "gold" }]);
    expect(gold.body.data.outputs).toEqual([
      { id: "level", name: "level", type: "STRING", value: "VIP" },
      { id: "both", name: "both", type: "STRING", value: "L+R" },
    ]);
    const statuses = Object.fromEntries(gold.body.nodes.map((n: { id: string; status: string }) => [n.id, n.status]));
    expect(statuses).toMatchObject({ gold: "FULFILLED", basic: "SKIPPED", left: "FULFILLED", right: "FULFILLED" });
    const basic = await run(key, [{ name: "tier", type: "STRING", value: "silver" }]);
    expect(basic.body.data.outputs[0].value).toBe("standard");
  });

  it("a failing api node gives a REJECTED execution naming the node, never a 500", async () => {
    const ws = await createWorkspace();
    const spec = {
      input_variables: [],
      nodes: [
        { id: "lookup", type: "api", method: "GET", url: `${UPSTREAM}/status`, headers: { authorization: "Bearer {{ secrets.SERVICE_TOKEN }}" } },
        { id: "out", type: "output", name: "status", value: "{{ nodes.lookup.json.state }}" },
      ],
      edges: [{ from: "lookup", to: "out" }],
    };
    await call("/v1/environments/staging/secrets/SERVICE_TOKEN", { method: "PUT", key: ws.adminKey, body: { value: "tok-1" } });
    await deployWorkflow(ws, spec, ["staging"]);
    const key = (await ws.key({ environment: "staging", scopes: ["execute"] })).key;

    const calls = mockNetwork(() => Response.json({ state: "green" }));
    const fine = await run(key, []);
    expect(fine.body.data.outputs[0].value).toBe("green");
    expect(calls[0]!.headers.get("authorization")).toBe("Bearer tok-1");

    vi.restoreAllMocks();
    mockNetwork(() => new Response("down", { status: 503 }));
    const failed = await run(key, []);
    expect(failed.status).toBe(200);
    expect(failed.body.data).toMatchObject({ state: "REJECTED", error: { code: "NODE_EXECUTION", node_id: "lookup", message: expect.stringContaining("503") } });
    expect(JSON.stringify(failed.body)).not.toContain("tok-1");
    expect(failed.body.nodes.find((n: { id: string }) => n.id === "out").status).toBe("SKIPPED");
  });

  it("reverting a workflow deployment brings back the previous graph for the next execution", async () => {
    const ws = await createWorkspace();
    const spec = (text: string) => ({
      input_variables: [],
      nodes: [{ id: "out", type: "output", name: "v", value: text }],
      edges: [],
    });
    const { sandbox } = await deployWorkflow(ws, spec("first"), ["staging"]);
    await saveSandbox(ws, sandbox.id, spec("second"));
    await call(`/v1/sandboxes/${sandbox.id}/deploy`, { key: ws.adminKey, body: { deployment_name: "flow", environments: ["staging"] } });
    const key = (await ws.key({ environment: "staging", scopes: ["execute", "promote"] })).key;
    expect((await run(key, [])).body.data.outputs[0].value).toBe("second");
    expect((await call("/v1/deployments/flow/revert", { key, method: "POST" })).status).toBe(201);
    expect((await run(key, [])).body.data.outputs[0].value).toBe("first");
  });

  it("runs a workflow sandbox's draft and shows every node", async () => {
    const ws = await createWorkspace();
    await addDoc(ws, "development", "Refunds take 7 days (dev).");
    const sandbox = await createSandbox(ws, "draft-flow", retrieval, "workflow");
    const key = (await ws.key({ environment: "development", scopes: ["execute"] })).key;
    const res = await call(`/v1/sandboxes/${sandbox.id}/run`, { key, body: { inputs: { question: "refunds" } } });
    expect(res.body).toMatchObject({ state: "FULFILLED", outputs: [{ name: "answer", value: "Per our docs: Refunds take 7 days (dev)." }] });
    expect(res.body.nodes.map((n: { id: string }) => n.id)).toEqual(["retrieve", "answer", "final"]);
  });

  it("the vellum-ai client executes and streams a workflow", async () => {
    mockNetwork();
    const ws = await createWorkspace();
    await addDoc(ws, "staging", "Refunds take 30 days.");
    await deployWorkflow(ws, retrieval, ["staging"]);
    const client = new VellumClient({
      apiKey: (await ws.key({ environment: "staging", scopes: ["execute"] })).key,
      environment: { default: SERVER, predict: SERVER, documents: SERVER },
    });
    const result = await client.executeWorkflow({ workflowDeploymentName: "flow", inputs: [{ name: "question", type: "STRING", value: "refunds?" }] });
    expect(result.data.state).toBe("FULFILLED");
    expect(result.data.state === "FULFILLED" && result.data.outputs[0]).toMatchObject({ name: "answer", type: "STRING", value: "Per our docs: Refunds take 30 days." });

    const events = [];
    for await (const event of await client.executeWorkflowStream({
      workflowDeploymentName: "flow",
      inputs: [{ name: "question", type: "STRING", value: "refunds?" }],
      eventTypes: ["NODE", "WORKFLOW"],
    }))
      events.push(event);
    expect(events[0]).toMatchObject({ type: "WORKFLOW", data: { state: "INITIATED" } });
    expect(events.filter((e) => e.type === "NODE").length).toBe(6);
    expect(events.at(-1)).toMatchObject({ type: "WORKFLOW", data: { state: "FULFILLED" } });
  });

  it("checks inputs and names: unknown workflow → 404, missing input → 400", async () => {
    const ws = await createWorkspace();
    await deployWorkflow(ws, retrieval, ["staging"]);
    const key = (await ws.key({ environment: "staging", scopes: ["execute"] })).key;
    expectProblem(await run(key, []), 400, "VALIDATION_FAILED");
    expectProblem(await call("/v1/execute-workflow", { key, body: { workflow_deployment_name: "nope", inputs: [] } }), 404);
    expectProblem(await call("/v1/execute-prompt", { key, body: { prompt_deployment_name: "flow", inputs: [] } }), 404);
  });

  it("a deployment named both by name and by id is refused, naming both fields (execute and stream)", async () => {
    const ws = await createWorkspace();
    const { releases } = await deployWorkflow(ws, retrieval, ["staging"]);
    const key = (await ws.key({ environment: "staging", scopes: ["execute"] })).key;
    const deploymentId = (await call(`/v1/releases/${releases[0]!.id}`, { key: ws.adminKey })).body.deployment_id;
    for (const path of ["/v1/execute-workflow", "/v1/execute-workflow-stream"]) {
      const res = await call(path, { key, body: { workflow_deployment_name: "flow", workflow_deployment_id: deploymentId, inputs: question("Refunds?") } });
      const problem = expectProblem(res, 400, "VALIDATION_FAILED");
      expect(problem.detail).toBe("Give one of workflow_deployment_name and workflow_deployment_id, not both");
      expect(problem.errors).toEqual([
        { path: "body.workflow_deployment_name", message: "Give workflow_deployment_name or workflow_deployment_id, not both" },
        { path: "body.workflow_deployment_id", message: "Give workflow_deployment_name or workflow_deployment_id, not both" },
      ]);
    }
  });
});
