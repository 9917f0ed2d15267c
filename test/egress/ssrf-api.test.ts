import { afterEach, describe, expect, it, vi } from "vitest";
import { executionsRecorded, mockNetwork, UPSTREAM } from "../execute/upstream";
import { call, createWorkspace, expectProblem, storageSnapshot, type TestWorkspace } from "../harness";
import { createSandbox } from "../lifecycle/fixtures";
import { HOSTILE_URLS } from "./hostile-urls";

afterEach(() => {
  vi.restoreAllMocks();
});

const promptWithBaseUrl = (base_url: string) => ({
  input_variables: [{ key: "question", type: "STRING" }],
  model: { provider: "openai", name: "gpt-4o-mini", base_url },
  blocks: [{ role: "user", template: "{{ question }}" }],
});

const workflowWithApiUrl = (url: string) => ({
  input_variables: [],
  nodes: [
    { id: "lookup", type: "api", method: "GET", url },
    { id: "out", type: "output", name: "status", value: "{{ nodes.lookup.text }}" },
  ],
  edges: [{ from: "lookup", to: "out" }],
});

/** Sends every hostile URL through `attempt`; each must be a 4xx problem naming `field`, and storage must not change. */
async function expectEveryUrlRefused(attempt: (url: string) => Promise<{ status: number; body: any; headers: Headers }>, field: string) {
  const before = await storageSnapshot();
  for (const url of HOSTILE_URLS) {
    const res = await attempt(url);
    expect(res.status, `${url} → ${res.status} ${JSON.stringify(res.body)}`).toBeGreaterThanOrEqual(400);
    expect(res.status, url).toBeLessThan(500);
    expectProblem(res, res.status);
    expect(
      res.body.errors.map((e: { path: string }) => e.path),
      url,
    ).toContain(field);
  }
  expect(await storageSnapshot()).toEqual(before);
}

describe("hostile outbound URLs are refused when saved", () => {
  it("as a prompt model's base_url, in a new sandbox and in a save, storing nothing", async () => {
    const ws = await createWorkspace();
    await expectEveryUrlRefused(
      (url) => call("/v1/sandboxes", { key: ws.adminKey, body: { name: "hostile", kind: "prompt", spec: promptWithBaseUrl(url) } }),
      "body.spec.model.base_url",
    );
    const sandbox = await createSandbox(ws, "fine", promptWithBaseUrl(UPSTREAM));
    await expectEveryUrlRefused(
      (url) => call(`/v1/sandboxes/${sandbox.id}`, { method: "PATCH", key: ws.adminKey, body: { spec: promptWithBaseUrl(url) } }),
      "body.spec.model.base_url",
    );
  });

  it("as a workflow api node's URL", async () => {
    const ws = await createWorkspace();
    await expectEveryUrlRefused(
      (url) => call("/v1/sandboxes", { key: ws.adminKey, body: { name: "hostile-flow", kind: "workflow", spec: workflowWithApiUrl(url) } }),
      "body.spec.nodes[0].url",
    );
  });

  it("as a webhook's URL, on create and on update", async () => {
    const ws = await createWorkspace();
    await expectEveryUrlRefused((url) => call("/v1/webhooks?environment=staging", { key: ws.adminKey, body: { url } }), "body.url");
    const hook = await call("/v1/webhooks?environment=staging", { key: ws.adminKey, body: { url: "https://hooks.test/x" } });
    expect(hook.status).toBe(201);
    await expectEveryUrlRefused((url) => call(`/v1/webhooks/${hook.body.id}`, { method: "PATCH", key: ws.adminKey, body: { url } }), "body.url");
  });

  it("an api node whose host a template decides is checked when it runs: a rendered private address rejects the execution", async () => {
    const ws = await createWorkspace();
    await call("/v1/environments/staging", { method: "PATCH", key: ws.adminKey, body: { variables: { api_host: "0x7f.1" } } });
    const sandbox = await createSandbox(ws, "flow", workflowWithApiUrl("http://{{ env.api_host }}/admin"), "workflow");
    expect((await call(`/v1/sandboxes/${sandbox.id}/deploy`, { key: ws.adminKey, body: { deployment_name: "flow", environments: ["staging"] } })).status).toBe(201);
    const key = (await ws.key({ environment: "staging", scopes: ["execute"] })).key;
    const calls = mockNetwork(() => new Response("should never be reached"));
    const res = await call("/v1/execute-workflow", { key, body: { workflow_deployment_name: "flow", inputs: [] } });
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({
      state: "REJECTED",
      error: { code: "NODE_EXECUTION", node_id: "lookup", message: expect.stringContaining("127.0.0.1 is a loopback address") },
    });
    expect(calls).toHaveLength(0);
  });
});

describe("redirects are never followed", () => {
  async function deployed(ws: TestWorkspace, kind: "prompt" | "workflow", spec: unknown) {
    const sandbox = await createSandbox(ws, "redirected", spec, kind);
    const res = await call(`/v1/sandboxes/${sandbox.id}/deploy`, { key: ws.adminKey, body: { deployment_name: "redirected", environments: ["staging"] } });
    expect(res.status).toBe(201);
    return (await ws.key({ environment: "staging", scopes: ["execute"] })).key;
  }
  const toMetadata = () => new Response(null, { status: 302, headers: { location: "http://169.254.169.254/latest/meta-data/" } });

  it("an api node answered with a redirect to a private address fails with the 3xx, and nothing follows it", async () => {
    const ws = await createWorkspace();
    const key = await deployed(ws, "workflow", workflowWithApiUrl(`${UPSTREAM}/moved`));
    const calls = mockNetwork(toMetadata);
    const res = await call("/v1/execute-workflow", { key, body: { workflow_deployment_name: "redirected", inputs: [] } });
    expect(res.body.data).toMatchObject({ state: "REJECTED", error: { message: expect.stringContaining("HTTP 302") } });
    expect(calls.map((c) => c.url)).toEqual([`${UPSTREAM}/moved`]);
  });

  it("a model provider answering with a redirect gives a REJECTED execution, recorded, and nothing follows it", async () => {
    const ws = await createWorkspace();
    const key = await deployed(ws, "prompt", promptWithBaseUrl(UPSTREAM));
    const calls = mockNetwork(toMetadata);
    const res = await call("/v1/execute-prompt", { key, body: { prompt_deployment_name: "redirected", inputs: [{ name: "question", type: "STRING", value: "hi" }] } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ state: "REJECTED", error: { code: "PROVIDER_ERROR", message: expect.stringContaining("302") } });
    expect(calls.every((c) => c.url.startsWith(UPSTREAM))).toBe(true);
    const [recorded] = await executionsRecorded(ws.id, 1);
    expect(recorded).toMatchObject({ status: "REJECTED", error_code: "PROVIDER_ERROR" });
  });

  it("a delivery to a URL the rules now refuse is a failed attempt with the reason, and nothing is sent", async () => {
    const { attemptDelivery } = await import("../../src/webhooks/delivery");
    const { egressPolicy } = await import("../../src/egress/policy");
    const sent = vi.spyOn(globalThis, "fetch");
    const attempt = await attemptDelivery(
      "http://[::ffff:a9fe:a9fe]/",
      "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
      { eventId: "evt_1", payload: "{}" },
      () => new Date(),
      egressPolicy({ stage: "test", egressAllowPrivateHosts: [] }),
    );
    expect(attempt).toMatchObject({ ok: false, status: null, error: expect.stringContaining("cloud metadata address") });
    expect(sent).not.toHaveBeenCalled();
  });
});
