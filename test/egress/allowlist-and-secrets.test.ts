import { afterEach, describe, expect, it, vi } from "vitest";
import { executionsRecorded, mockNetwork, UPSTREAM, upstreamDeployment } from "../execute/upstream";
import { call, createWorkspace, expectProblem, storageSnapshot } from "../harness";
import { createSandbox } from "../lifecycle/fixtures";

afterEach(() => {
  vi.restoreAllMocks();
});

const ask = { prompt_deployment_name: "upstream-faq", inputs: [{ name: "question", type: "STRING", value: "hi" }] };

const tokenWorkflow = {
  input_variables: [],
  nodes: [
    { id: "lookup", type: "api", method: "GET", url: `${UPSTREAM}/status`, headers: { authorization: "Bearer {{ secrets.SERVICE_TOKEN }}" } },
    { id: "out", type: "output", name: "status", value: "{{ nodes.lookup.text }}" },
  ],
  edges: [{ from: "lookup", to: "out" }],
};

describe("an environment's egress allowlist", () => {
  it("is a setting of the environment, validated, and published to the invoke path", async () => {
    const ws = await createWorkspace();
    const bad = await call("/v1/environments/staging", { method: "PATCH", key: ws.adminKey, body: { egress_allowlist: ["api.example.com", "http://x.com/"] } });
    expect(expectProblem(bad, 400).errors).toEqual([expect.objectContaining({ path: "body.egress_allowlist[1]" })]);
    const set = await call("/v1/environments/staging", { method: "PATCH", key: ws.adminKey, body: { egress_allowlist: ["API.example.com", "*.llm.test"] } });
    expect(set.status).toBe(200);
    expect(set.body.egress_allowlist).toEqual(["api.example.com", "*.llm.test"]);
    expect((await call("/v1/environments/staging", { key: ws.adminKey })).body.egress_allowlist).toEqual(["api.example.com", "*.llm.test"]);
    expect((await call("/v1/environments/production", { key: ws.adminKey })).body.egress_allowlist).toEqual([]);
    const cleared = await call("/v1/environments/staging", { method: "PATCH", key: ws.adminKey, body: { egress_allowlist: null } });
    expect(cleared.body.egress_allowlist).toEqual([]);
  });

  it("refuses a deploy and a webhook outside it, in that environment only, storing nothing", async () => {
    const ws = await createWorkspace();
    await call("/v1/environments/staging", { method: "PATCH", key: ws.adminKey, body: { egress_allowlist: ["api.example.com"] } });
    const sandbox = await createSandbox(ws, "faq", {
      input_variables: [],
      model: { provider: "openai", name: "gpt-4o-mini", base_url: UPSTREAM },
      blocks: [{ role: "user", template: "hi" }],
    });
    const before = await storageSnapshot();
    const deploy = await call(`/v1/sandboxes/${sandbox.id}/deploy`, { key: ws.adminKey, body: { deployment_name: "faq", environments: ["development", "staging"] } });
    const problem = expectProblem(deploy, 422, "SPEC_INVALID");
    expect(problem.errors).toEqual([{ path: "spec.model.base_url", message: expect.stringContaining("In staging: llm.test is not in the environment's egress allowlist") }]);
    const hook = await call("/v1/webhooks?environment=staging", { key: ws.adminKey, body: { url: "https://hooks.test/x" } });
    expect(expectProblem(hook, 400).errors).toEqual([{ path: "body.url", message: expect.stringContaining("allowlist") }]);
    expect(await storageSnapshot()).toEqual(before);
    expect((await call(`/v1/sandboxes/${sandbox.id}/deploy`, { key: ws.adminKey, body: { deployment_name: "faq", environments: ["development"] } })).status).toBe(201);
  });

  it("rejects, when it runs, a release deployed before the allowlist left its host out", async () => {
    const ws = await createWorkspace();
    await upstreamDeployment(ws);
    await call("/v1/environments/staging", { method: "PATCH", key: ws.adminKey, body: { egress_allowlist: ["api.example.com"] } });
    const key = (await ws.key({ environment: "staging", scopes: ["execute"] })).key;
    const calls = mockNetwork();
    const res = await call("/v1/execute-prompt", { key, body: ask });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ state: "REJECTED", error: { code: "PROVIDER_ERROR", message: expect.stringContaining("not in the environment's egress allowlist") } });
    expect(calls).toHaveLength(0);
    const [recorded] = await executionsRecorded(ws.id, 1);
    expect(recorded).toMatchObject({ status: "REJECTED", error_code: "PROVIDER_ERROR" });
  });
});

describe("secrets bound to hosts", () => {
  it("carry allowed_hosts, shown in listings, kept when only the value changes, removed by []", async () => {
    const ws = await createWorkspace();
    const path = "/v1/environments/staging/secrets/SERVICE_TOKEN";
    const bad = await call(path, { method: "PUT", key: ws.adminKey, body: { value: "t", allowed_hosts: ["not a host"] } });
    expect(expectProblem(bad, 400).errors).toEqual([expect.objectContaining({ path: "body.allowed_hosts[0]" })]);
    expect((await call(path, { method: "PUT", key: ws.adminKey, body: { value: "t1", allowed_hosts: ["api.example.com"] } })).body.allowed_hosts).toEqual(["api.example.com"]);
    expect((await call(path, { method: "PUT", key: ws.adminKey, body: { value: "t2" } })).body.allowed_hosts).toEqual(["api.example.com"]);
    const listed = await call("/v1/environments/staging/secrets", { key: ws.adminKey });
    expect(listed.body.data).toEqual([expect.objectContaining({ name: "SERVICE_TOKEN", allowed_hosts: ["api.example.com"] })]);
    expect(JSON.stringify(listed.body)).not.toContain("t2");
    expect((await call(path, { method: "PUT", key: ws.adminKey, body: { value: "t3", allowed_hosts: [] } })).body.allowed_hosts).toEqual([]);
  });

  it("refuse a deploy that would send a secret to another host, naming the header", async () => {
    const ws = await createWorkspace();
    await call("/v1/environments/staging/secrets/SERVICE_TOKEN", { method: "PUT", key: ws.adminKey, body: { value: "tok-1", allowed_hosts: ["api.example.com"] } });
    const sandbox = await createSandbox(ws, "flow", tokenWorkflow, "workflow");
    const refused = await call(`/v1/sandboxes/${sandbox.id}/deploy`, { key: ws.adminKey, body: { deployment_name: "flow", environments: ["staging"] } });
    expect(expectProblem(refused, 422, "SPEC_INVALID").errors).toEqual([
      { path: "spec.nodes[0].headers.authorization", message: "In staging: The secret SERVICE_TOKEN may be sent only to api.example.com, not to llm.test" },
    ]);
    // Development has no SERVICE_TOKEN binding: the same workflow deploys there.
    expect((await call(`/v1/sandboxes/${sandbox.id}/deploy`, { key: ws.adminKey, body: { deployment_name: "flow", environments: ["development"] } })).status).toBe(201);
    await call("/v1/environments/staging/secrets/SERVICE_TOKEN", { method: "PUT", key: ws.adminKey, body: { value: "tok-1", allowed_hosts: ["*.test"] } });
    expect((await call(`/v1/sandboxes/${sandbox.id}/deploy`, { key: ws.adminKey, body: { deployment_name: "flow", environments: ["staging"] } })).status).toBe(201);
  });

  it("reject, when it runs, a workflow deployed before the binding, without sending the secret", async () => {
    const ws = await createWorkspace();
    await call("/v1/environments/staging/secrets/SERVICE_TOKEN", { method: "PUT", key: ws.adminKey, body: { value: "tok-1" } });
    const sandbox = await createSandbox(ws, "flow", tokenWorkflow, "workflow");
    expect((await call(`/v1/sandboxes/${sandbox.id}/deploy`, { key: ws.adminKey, body: { deployment_name: "flow", environments: ["staging"] } })).status).toBe(201);
    await call("/v1/environments/staging/secrets/SERVICE_TOKEN", { method: "PUT", key: ws.adminKey, body: { value: "tok-1", allowed_hosts: ["api.example.com"] } });
    const key = (await ws.key({ environment: "staging", scopes: ["execute"] })).key;
    const calls = mockNetwork(() => new Response("ok"));
    const res = await call("/v1/execute-workflow", { key, body: { workflow_deployment_name: "flow", inputs: [] } });
    expect(res.body.data).toMatchObject({
      state: "REJECTED",
      error: { node_id: "lookup", message: expect.stringContaining("SERVICE_TOKEN may be sent only to api.example.com, not to llm.test") },
    });
    expect(calls).toHaveLength(0);
    expect(JSON.stringify(res.body)).not.toContain("tok-1");
  });

  it("keep a provider credential from a custom base_url, at deploy and at run", async () => {
    const ws = await createWorkspace();
    await upstreamDeployment(ws);
    await call("/v1/environments/staging/secrets/OPENAI_API_KEY", {
      method: "PUT",
      key: ws.adminKey,
      body: { value: "sk-test-upstream-secret", allowed_hosts: ["api.openai.com"] },
    });
    const key = (await ws.key({ environment: "staging", scopes: ["execute"] })).key;
    const calls = mockNetwork();
    const res = await call("/v1/execute-prompt", { key, body: ask });
    expect(res.body).toMatchObject({ state: "REJECTED", error: { code: "PROVIDER_ERROR", message: expect.stringContaining("OPENAI_API_KEY may be sent only to api.openai.com") } });
    expect(calls).toHaveLength(0);
    const sandbox = (await call("/v1/sandboxes", { key: ws.adminKey })).body.data[0];
    const again = await call(`/v1/sandboxes/${sandbox.id}/deploy`, { key: ws.adminKey, body: { deployment_name: "upstream-faq", environments: ["staging"] } });
    expect(expectProblem(again, 422, "SPEC_INVALID").errors).toEqual([{ path: "spec.model.base_url", message: expect.stringContaining("OPENAI_API_KEY") }]);
  });
});
