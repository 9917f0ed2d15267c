import { beforeAll, describe, expect, it } from "vitest";
import { BOOTSTRAP_TOKEN, call, createWorkspace, expectProblem, storageSnapshot, type TestWorkspace } from "./harness";
import { createSandbox, deploy } from "./lifecycle/fixtures";

/**
 * Every route × every way a caller can be wrong. Each target lives in the
 * environment "qa" of workspace A; workspace B has no such environment.
 */
interface RouteCase {
  method: string;
  path: (ids: Ids) => string;
  body?: unknown;
  /** The scope the route needs. */
  scope: "read" | "admin" | "deploy" | "promote" | "execute";
  /** Needs a workspace key: an environment key gets 403 whatever its scopes. */
  workspaceLevel?: boolean;
  /**
   * What another environment's admin key gets: 404 when the route names a qa
   * object, "hidden" for lists, "shared" for sandboxes (every environment
   * shares them), "skip" where a shared object would really change.
   */
  otherEnvironment: 404 | 403 | "hidden" | "shared" | "skip";
  otherWorkspace: 404 | "hidden";
}

const EXECUTE = { prompt_deployment_name: "faq", inputs: [{ name: "question", type: "STRING", value: "q" }] };

interface Ids {
  qaKeyId: string;
  sandboxId: string;
  deploymentId: string;
  qaReleaseId: string;
  qaFirstReleaseId: string;
  qaWebhookId: string;
  testSuiteId: string;
  qaTestRunId: string;
}

const routes: RouteCase[] = [
  { method: "GET", path: () => "/v1/environments", scope: "read", otherEnvironment: "hidden", otherWorkspace: "hidden" },
  { method: "POST", path: () => "/v1/environments", body: { name: "brand-new" }, scope: "admin", workspaceLevel: true, otherEnvironment: 403, otherWorkspace: "hidden" },
  { method: "GET", path: () => "/v1/environments/qa", scope: "read", otherEnvironment: 404, otherWorkspace: 404 },
  { method: "PATCH", path: () => "/v1/environments/qa", body: { label: "Changed" }, scope: "admin", workspaceLevel: true, otherEnvironment: 404, otherWorkspace: 404 },
  { method: "DELETE", path: () => "/v1/environments/qa", scope: "admin", workspaceLevel: true, otherEnvironment: 404, otherWorkspace: 404 },
  { method: "GET", path: () => "/v1/api-keys?environment=qa", scope: "admin", otherEnvironment: 404, otherWorkspace: 404 },
  { method: "POST", path: () => "/v1/api-keys", body: { name: "n", environment: "qa", scopes: ["read"] }, scope: "admin", otherEnvironment: 404, otherWorkspace: 404 },
  { method: "GET", path: (ids) => `/v1/api-keys/${ids.qaKeyId}`, scope: "admin", otherEnvironment: 404, otherWorkspace: 404 },
  { method: "POST", path: (ids) => `/v1/api-keys/${ids.qaKeyId}/rotate`, body: {}, scope: "admin", otherEnvironment: 404, otherWorkspace: 404 },
  { method: "DELETE", path: (ids) => `/v1/api-keys/${ids.qaKeyId}`, scope: "admin", otherEnvironment: 404, otherWorkspace: 404 },
  { method: "GET", path: () => "/v1/audit-events?environment=qa", scope: "admin", otherEnvironment: 404, otherWorkspace: 404 },
  { method: "GET", path: () => "/v1/audit-events/verify", scope: "admin", workspaceLevel: true, otherEnvironment: 403, otherWorkspace: "hidden" },
  { method: "GET", path: () => "/v1/sandboxes", scope: "read", otherEnvironment: "shared", otherWorkspace: "hidden" },
  { method: "GET", path: (ids) => `/v1/sandboxes/${ids.sandboxId}`, scope: "read", otherEnvironment: "shared", otherWorkspace: 404 },
  { method: "PATCH", path: (ids) => `/v1/sandboxes/${ids.sandboxId}`, body: { name: "renamed" }, scope: "deploy", otherEnvironment: "skip", otherWorkspace: 404 },
  { method: "POST", path: (ids) => `/v1/sandboxes/${ids.sandboxId}/deploy`, body: { deployment_name: "faq", environments: ["qa"] }, scope: "deploy", otherEnvironment: 404, otherWorkspace: 404 },
  { method: "GET", path: () => "/v1/test-suites", scope: "read", otherEnvironment: "shared", otherWorkspace: "hidden" },
  { method: "POST", path: () => "/v1/test-suites", body: { name: "another-suite", cases: [] }, scope: "deploy", otherEnvironment: "skip", otherWorkspace: "hidden" },
  { method: "GET", path: (ids) => `/v1/test-suites/${ids.testSuiteId}`, scope: "read", otherEnvironment: "shared", otherWorkspace: 404 },
  { method: "PATCH", path: (ids) => `/v1/test-suites/${ids.testSuiteId}`, body: { description: "changed" }, scope: "deploy", otherEnvironment: "skip", otherWorkspace: 404 },
  {
    method: "POST",
    path: (ids) => `/v1/test-suites/${ids.testSuiteId}/runs`,
    // Read when the request is sent, after the release exists.
    get body() {
      return { release_id: ids.qaReleaseId };
    },
    scope: "execute",
    otherEnvironment: 404,
    otherWorkspace: 404,
  },
  { method: "GET", path: (ids) => `/v1/test-suites/${ids.testSuiteId}/runs`, scope: "read", otherEnvironment: "hidden", otherWorkspace: 404 },
  { method: "GET", path: (ids) => `/v1/test-suite-runs/${ids.qaTestRunId}`, scope: "read", otherEnvironment: 404, otherWorkspace: 404 },
  { method: "GET", path: (ids) => `/v1/deployments/${ids.deploymentId}/releases?environment=qa`, scope: "read", otherEnvironment: 404, otherWorkspace: 404 },
  { method: "POST", path: (ids) => `/v1/deployments/${ids.deploymentId}/revert?environment=qa`, body: {}, scope: "promote", otherEnvironment: 404, otherWorkspace: 404 },
  { method: "GET", path: (ids) => `/v1/releases/${ids.qaReleaseId}`, scope: "read", otherEnvironment: 404, otherWorkspace: 404 },
  { method: "GET", path: (ids) => `/v1/releases/${ids.qaReleaseId}/compare?to=${ids.qaFirstReleaseId}`, scope: "read", otherEnvironment: 404, otherWorkspace: 404 },
  { method: "POST", path: (ids) => `/v1/releases/${ids.qaReleaseId}/promote`, body: { environments: ["qa-two"] }, scope: "promote", otherEnvironment: 404, otherWorkspace: 404 },
  { method: "GET", path: () => "/v1/promotion-requests?environment=qa", scope: "read", otherEnvironment: 404, otherWorkspace: 404 },
  { method: "GET", path: () => "/v1/deployments?environment=qa", scope: "read", otherEnvironment: 404, otherWorkspace: 404 },
  { method: "GET", path: () => "/v1/deployments/faq?environment=qa", scope: "read", otherEnvironment: 404, otherWorkspace: 404 },
  { method: "GET", path: () => "/v1/deployments/faq/release-tags?environment=qa", scope: "read", otherEnvironment: 404, otherWorkspace: 404 },
  { method: "GET", path: () => "/v1/deployments/faq/release-tags/LATEST?environment=qa", scope: "read", otherEnvironment: 404, otherWorkspace: 404 },
  {
    method: "PATCH",
    path: () => "/v1/deployments/faq/release-tags/stable?environment=qa",
    body: { history_item_id: "placeholder" },
    scope: "promote",
    otherEnvironment: 404,
    otherWorkspace: 404,
  },
  { method: "GET", path: () => "/v1/deployments/faq/releases/LATEST?environment=qa", scope: "read", otherEnvironment: 404, otherWorkspace: 404 },
  { method: "POST", path: () => "/v1/execute-prompt?environment=qa", body: EXECUTE, scope: "execute", otherEnvironment: 404, otherWorkspace: 404 },
  { method: "POST", path: () => "/v1/execute-prompt-stream?environment=qa", body: EXECUTE, scope: "execute", otherEnvironment: 404, otherWorkspace: 404 },
  { method: "GET", path: () => "/v1/executions?environment=qa", scope: "read", otherEnvironment: 404, otherWorkspace: 404 },
  { method: "GET", path: () => "/v1/executions/exe_unknown?environment=qa", scope: "read", otherEnvironment: 404, otherWorkspace: 404 },
  { method: "GET", path: () => "/v1/metrics?environment=qa", scope: "read", otherEnvironment: 404, otherWorkspace: 404 },
  {
    method: "POST",
    path: () => "/v1/submit-completion-actuals?environment=qa",
    body: { actuals: [{ external_id: "x", quality: 1 }] },
    scope: "execute",
    otherEnvironment: 404,
    otherWorkspace: 404,
  },
  { method: "PUT", path: () => "/v1/environments/qa/secrets/API_TOKEN", body: { value: "s3cret" }, scope: "admin", otherEnvironment: 404, otherWorkspace: 404 },
  { method: "GET", path: () => "/v1/environments/qa/secrets", scope: "admin", otherEnvironment: 404, otherWorkspace: 404 },
  { method: "DELETE", path: () => "/v1/environments/qa/secrets/API_TOKEN", scope: "admin", otherEnvironment: 404, otherWorkspace: 404 },
  { method: "GET", path: () => "/v1/webhooks?environment=qa", scope: "admin", otherEnvironment: 404, otherWorkspace: 404 },
  { method: "POST", path: () => "/v1/webhooks?environment=qa", body: { url: "https://hooks.test/qa" }, scope: "admin", otherEnvironment: 404, otherWorkspace: 404 },
  { method: "GET", path: (ids) => `/v1/webhooks/${ids.qaWebhookId}`, scope: "admin", otherEnvironment: 404, otherWorkspace: 404 },
  { method: "PATCH", path: (ids) => `/v1/webhooks/${ids.qaWebhookId}`, body: { active: false }, scope: "admin", otherEnvironment: 404, otherWorkspace: 404 },
  { method: "DELETE", path: (ids) => `/v1/webhooks/${ids.qaWebhookId}`, scope: "admin", otherEnvironment: 404, otherWorkspace: 404 },
  { method: "GET", path: (ids) => `/v1/webhooks/${ids.qaWebhookId}/deliveries`, scope: "admin", otherEnvironment: 404, otherWorkspace: 404 },
  { method: "POST", path: (ids) => `/v1/sandboxes/${ids.sandboxId}/run?environment=qa`, body: { inputs: { question: "q" } }, scope: "execute", otherEnvironment: 404, otherWorkspace: 404 },
  { method: "GET", path: () => "/v1/document-indexes?environment=qa", scope: "read", otherEnvironment: 404, otherWorkspace: 404 },
  { method: "POST", path: () => "/v1/document-indexes?environment=qa", body: { name: "another" }, scope: "deploy", otherEnvironment: 404, otherWorkspace: 404 },
  { method: "GET", path: () => "/v1/document-indexes/kb?environment=qa", scope: "read", otherEnvironment: 404, otherWorkspace: 404 },
  { method: "POST", path: () => "/v1/document-indexes/kb/documents?environment=qa", body: { title: "t", text: "x" }, scope: "deploy", otherEnvironment: 404, otherWorkspace: 404 },
  { method: "DELETE", path: () => "/v1/document-indexes/kb/documents/doc_x?environment=qa", scope: "deploy", otherEnvironment: 404, otherWorkspace: 404 },
  { method: "POST", path: () => "/v1/search?environment=qa", body: { index_name: "kb", query: "x" }, scope: "execute", otherEnvironment: 404, otherWorkspace: 404 },
  { method: "POST", path: () => "/v1/execute-workflow?environment=qa", body: { workflow_deployment_name: "faq", inputs: [] }, scope: "execute", otherEnvironment: 404, otherWorkspace: 404 },
  { method: "POST", path: () => "/v1/execute-workflow-stream?environment=qa", body: { workflow_deployment_name: "faq", inputs: [] }, scope: "execute", otherEnvironment: 404, otherWorkspace: 404 },
];

let a: TestWorkspace;
let b: TestWorkspace;
let ids: Ids;
const keys: Record<string, string> = {};

beforeAll(async () => {
  a = await createWorkspace("A");
  b = await createWorkspace("B");
  const qa = await call("/v1/environments", { key: a.adminKey, body: { name: "qa" } });
  expect(qa.status).toBe(201);
  expect((await call("/v1/environments", { key: a.adminKey, body: { name: "qa-two" } })).status).toBe(201);
  const qaKey = await a.key({ environment: "qa", scopes: ["read"] });
  expect((await call("/v1/document-indexes?environment=qa", { key: a.adminKey, body: { name: "kb" } })).status).toBe(201);
  const webhook = await call("/v1/webhooks?environment=qa", { key: a.adminKey, body: { url: "https://hooks.test/qa", events: ["promotion.requested"] } });
  expect(webhook.status).toBe(201);
  const sandbox = await createSandbox(a);
  const first = await deploy(a, sandbox.id, ["qa"]);
  const second = await deploy(a, sandbox.id, ["qa"]);
  expect([first.status, second.status]).toEqual([201, 201]);
  const suite = await call("/v1/test-suites", { key: a.adminKey, body: { name: "suite", cases: [{ inputs: { question: "q" }, assertions: [{ type: "contains", value: "q" }] }] } });
  const testRun = await call(`/v1/test-suites/${suite.body.id}/runs`, { key: a.adminKey, body: { release_id: second.body.releases[0].id } });
  expect([suite.status, testRun.status]).toEqual([201, 201]);
  ids = {
    testSuiteId: suite.body.id,
    qaTestRunId: testRun.body.id,
    qaKeyId: qaKey.id,
    sandboxId: sandbox.id,
    deploymentId: sandbox.deployment_id,
    qaReleaseId: second.body.releases[0].id,
    qaFirstReleaseId: first.body.releases[0].id,
    qaWebhookId: webhook.body.id,
  };
  const revoked = await a.key({ environment: null, scopes: ["admin"] });
  expect((await call(`/v1/api-keys/${revoked.id}`, { key: a.adminKey, method: "DELETE" })).status).toBe(200);
  keys.revoked = revoked.key;
  keys.stagingAdmin = (await a.key({ environment: "staging", scopes: ["admin"] })).key;
  keys.qaExecute = (await a.key({ environment: "qa", scopes: ["execute", "deploy", "promote", "approve"] })).key;
  keys.qaExecuteOnly = (await a.key({ environment: "qa", scopes: ["execute"] })).key;
  keys.workspaceExecute = (await a.key({ environment: null, scopes: ["execute", "deploy", "promote", "approve"] })).key;
  keys.qaRead = (await a.key({ environment: "qa", scopes: ["read"] })).key;
});

async function requestFor(route: RouteCase, headers: Record<string, string>) {
  return call(route.path(ids), { method: route.method, body: route.body, headers });
}

async function expectUnchanged(route: RouteCase, headers: Record<string, string>, check: (res: Awaited<ReturnType<typeof call>>) => void) {
  const before = await storageSnapshot();
  const res = await requestFor(route, headers);
  check(res);
  expect(await storageSnapshot()).toEqual(before);
}

const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

describe.each(routes)("$method $path", (route) => {
  it("without a key → 401", async () => {
    await expectUnchanged(route, {}, (res) => expectProblem(res, 401, "UNAUTHENTICATED"));
  });

  it("with a malformed key → 401", async () => {
    for (const bad of ["nonsense", "sc_ws_short", `${a.adminKey}x`, `Basic ${a.adminKey}`]) {
      await expectUnchanged(route, { authorization: bad.startsWith("Basic") ? bad : `Bearer ${bad}` }, (res) => expectProblem(res, 401, "UNAUTHENTICATED"));
    }
  });

  it("with a revoked key → 401", async () => {
    await expectUnchanged(route, bearer(keys.revoked!), (res) => expectProblem(res, 401, "UNAUTHENTICATED"));
  });

  it("with another environment's admin key → as if the target did not exist", async () => {
    if (route.otherEnvironment === "skip") return;
    await expectUnchanged(route, bearer(keys.stagingAdmin!), (res) => {
      if (route.otherEnvironment === "shared") {
        expect(res.status).toBe(200);
      } else if (route.otherEnvironment === "hidden") {
        expect(res.status).toBe(200);
        expect(JSON.stringify(res.body)).not.toContain(ids.qaKeyId);
        expect(JSON.stringify(res.body)).not.toContain('"qa"');
      } else {
        const status = route.otherEnvironment as 404 | 403;
        expectProblem(res, status, status === 404 ? "NOT_FOUND" : "INSUFFICIENT_SCOPE");
      }
    });
  });

  it("with another workspace's admin key → as if the target did not exist", async () => {
    if (route.otherWorkspace === "hidden") {
      // The key acts in its own workspace; nothing of A may show.
      const res = await call(route.path(ids), { method: route.method === "POST" ? "GET" : route.method, headers: bearer(b.adminKey) });
      expect(res.status).toBe(200);
      expect(JSON.stringify(res.body)).not.toContain(a.id);
      expect(JSON.stringify(res.body)).not.toContain('"qa"');
      return;
    }
    await expectUnchanged(route, bearer(b.adminKey), (res) => expectProblem(res, 404, "NOT_FOUND"));
  });

  it("with a key lacking the scope → 403", async () => {
    const lacking = route.workspaceLevel ? [keys.workspaceExecute!, keys.qaRead!] : [route.scope === "read" ? keys.qaExecute! : keys.qaRead!];
    for (const key of lacking) {
      await expectUnchanged(route, bearer(key), (res) => expectProblem(res, 403, "INSUFFICIENT_SCOPE"));
    }
  });
});

describe("POST /v1/workspaces", () => {
  const body = { name: "Intruder" };
  it.each([
    ["no token", {}],
    ["a wrong token", bearer("wrong-token-wrong-token")],
    ["an admin API key instead of the bootstrap token", null],
    ["the token in X-API-KEY", { "x-api-key": BOOTSTRAP_TOKEN }],
  ])("with %s → 401 and nothing created", async (_, headers) => {
    const before = await storageSnapshot();
    const res = await call("/v1/workspaces", { body, headers: headers ?? bearer(a.adminKey) });
    expectProblem(res, 401, "UNAUTHENTICATED");
    expect(await storageSnapshot()).toEqual(before);
  });
});
