import { beforeAll, describe, expect, it } from "vitest";
import { MAX_BODY_BYTES } from "../src/app";
import { BOOTSTRAP_TOKEN, call, createWorkspace, expectProblem, storageSnapshot, type TestWorkspace } from "./harness";
import { createSandbox, deploy, promptSpec } from "./lifecycle/fixtures";

let ws: TestWorkspace;
let keyId: string;
let sandboxId: string;
let releaseId: string;
let testSuiteId: string;

beforeAll(async () => {
  ws = await createWorkspace();
  keyId = (await ws.key({ environment: "staging", scopes: ["read"] })).id;
  const sandbox = await createSandbox(ws);
  sandboxId = sandbox.id;
  releaseId = (await deploy(ws, sandbox.id, ["staging"])).body.releases[0].id;
  await deploy(ws, sandbox.id, ["staging"]);
  await call("/v1/document-indexes?environment=staging", { key: ws.adminKey, body: { name: "kb" } });
  testSuiteId = (await call("/v1/test-suites", { key: ws.adminKey, body: { name: "suite", cases: [] } })).body.id;
});

interface BodyRoute {
  method: string;
  path: () => string;
  auth: () => string;
  /** Fields of a valid body, each replaced in turn by a value of the wrong type. */
  valid: Record<string, unknown>;
  wrongTypes: Record<string, unknown>;
}

const bodyRoutes: BodyRoute[] = [
  { method: "POST", path: () => "/v1/workspaces", auth: () => BOOTSTRAP_TOKEN, valid: { name: "W" }, wrongTypes: { name: 42 } },
  {
    method: "POST",
    path: () => "/v1/environments",
    auth: () => ws.adminKey,
    valid: { name: "qa" },
    wrongTypes: { name: "Not A Slug!", label: 7, protected: "yes", required_approvals: -1, variables: { "bad name": "x" } },
  },
  {
    method: "PATCH",
    path: () => "/v1/environments/staging",
    auth: () => ws.adminKey,
    valid: { label: "Staging 2" },
    wrongTypes: { label: "", description: ["x"], protected: 1, required_approvals: 1.5, variables: { ok: 5 } },
  },
  {
    method: "POST",
    path: () => "/v1/api-keys",
    auth: () => ws.adminKey,
    valid: { name: "k", environment: "staging", scopes: ["read"] },
    wrongTypes: { name: "", environment: 3, scopes: ["superuser"], expires_at: "tomorrow" },
  },
  {
    method: "POST",
    path: () => `/v1/api-keys/${keyId}/rotate`,
    auth: () => ws.adminKey,
    valid: { grace_period_seconds: 10 },
    wrongTypes: { grace_period_seconds: "ten" },
  },
  {
    method: "POST",
    path: () => "/v1/sandboxes",
    auth: () => ws.adminKey,
    valid: { name: "new", kind: "prompt", spec: promptSpec() },
    wrongTypes: { name: "", kind: "chain", spec: "text", scenarios: [{ name: 1 }] },
  },
  {
    method: "PATCH",
    path: () => `/v1/sandboxes/${sandboxId}`,
    auth: () => ws.adminKey,
    valid: { name: "renamed" },
    wrongTypes: { name: 5, spec: [], scenarios: "none" },
  },
  {
    method: "POST",
    path: () => `/v1/sandboxes/${sandboxId}/deploy`,
    auth: () => ws.adminKey,
    valid: { deployment_name: "faq", environments: ["development"] },
    wrongTypes: { deployment_name: "has spaces", environments: [], release_tags: ["bad tag!"], description: 3, sandbox_revision: 0 },
  },
  {
    method: "POST",
    path: () => `/v1/releases/${releaseId}/promote`,
    auth: () => ws.adminKey,
    valid: { environments: ["development"] },
    wrongTypes: { environments: "development", release_tags: [1], description: false, scheduled_at: "tomorrow" },
  },
  {
    method: "POST",
    path: () => "/v1/deployments/faq/rollouts?environment=staging",
    auth: () => ws.adminKey,
    valid: { release_id: "rel_00000000000000000000000000", mode: "ab", percent: 50 },
    wrongTypes: { release_id: 7, mode: "big-bang", percent: "half", sticky_by: { type: "cookie" }, guard: { max_error_rate: 2 }, scheduled_at: 1 },
  },
  {
    method: "POST",
    path: () => "/v1/deployments/faq/revert?environment=staging",
    auth: () => ws.adminKey,
    valid: { release_id: "rel_x" },
    wrongTypes: { release_id: 7 },
  },
  {
    method: "POST",
    path: () => "/v1/execute-prompt?environment=staging",
    auth: () => ws.adminKey,
    valid: { prompt_deployment_name: "faq", inputs: [{ name: "question", type: "STRING", value: "q" }] },
    wrongTypes: { prompt_deployment_name: 5, inputs: [{ name: "question", type: "AUDIO_CLIP", value: "q" }], release_tag: [], metadata: "m" },
  },
  {
    method: "POST",
    path: () => "/v1/execute-prompt-stream?environment=staging",
    auth: () => ws.adminKey,
    valid: { prompt_deployment_name: "faq", inputs: [{ name: "question", type: "STRING", value: "q" }] },
    wrongTypes: { inputs: "q", external_id: 3 },
  },
  {
    method: "POST",
    path: () => "/v1/submit-completion-actuals?environment=staging",
    auth: () => ws.adminKey,
    valid: { actuals: [{ external_id: "x", quality: 1 }] },
    wrongTypes: { actuals: [{ quality: "good" }], deployment_name: 4 },
  },
  {
    method: "PUT",
    path: () => "/v1/environments/staging/secrets/API_TOKEN",
    auth: () => ws.adminKey,
    valid: { value: "secret" },
    wrongTypes: { value: 42 },
  },
  {
    method: "POST",
    path: () => "/v1/webhooks?environment=staging",
    auth: () => ws.adminKey,
    valid: { url: "https://hooks.test/x" },
    wrongTypes: { url: "ftp://hooks.test/x", events: ["release.exploded"], description: 5, active: "yes" },
  },
  {
    method: "POST",
    path: () => `/v1/sandboxes/${sandboxId}/run?environment=staging`,
    auth: () => ws.adminKey,
    valid: { inputs: { question: "q" } },
    wrongTypes: { inputs: "q", scenario: 1, revision: "one" },
  },
  {
    method: "POST",
    path: () => "/v1/execute-workflow?environment=staging",
    auth: () => ws.adminKey,
    valid: { workflow_deployment_name: "flow", inputs: [] },
    wrongTypes: { inputs: {}, workflow_deployment_name: 3, event_types: ["ALL"] },
  },
  {
    method: "POST",
    path: () => "/v1/execute-workflow-stream?environment=staging",
    auth: () => ws.adminKey,
    valid: { workflow_deployment_name: "flow", inputs: [] },
    wrongTypes: { inputs: "x", release_tag: 1 },
  },
  {
    method: "POST",
    path: () => "/v1/document-indexes?environment=staging",
    auth: () => ws.adminKey,
    valid: { name: "kb" },
    wrongTypes: { name: "has spaces" },
  },
  {
    method: "POST",
    path: () => "/v1/document-indexes/kb/documents?environment=staging",
    auth: () => ws.adminKey,
    valid: { title: "t", text: "x" },
    wrongTypes: { title: 1, text: "", external_id: 5, metadata: "m" },
  },
  {
    method: "POST",
    path: () => "/v1/search?environment=staging",
    auth: () => ws.adminKey,
    valid: { index_name: "kb", query: "x" },
    wrongTypes: { query: 5, options: { limit: 0 }, index_name: [] },
  },
  {
    method: "POST",
    path: () => "/v1/test-suites",
    auth: () => ws.adminKey,
    valid: { name: "another", cases: [] },
    wrongTypes: { name: "", description: 5, cases: "none" },
  },
  {
    method: "PATCH",
    path: () => `/v1/test-suites/${testSuiteId}`,
    auth: () => ws.adminKey,
    valid: { description: "d" },
    wrongTypes: { name: 5, description: [], cases: [{ inputs: "x" }] },
  },
  {
    method: "POST",
    path: () => `/v1/test-suites/${testSuiteId}/runs`,
    auth: () => ws.adminKey,
    valid: { release_id: "rel_x" },
    wrongTypes: { release_id: 5, sandbox_id: false, sandbox_revision: "one", environment: 7 },
  },
  {
    method: "PATCH",
    path: () => "/v1/deployments/faq/release-tags/stable?environment=staging",
    auth: () => ws.adminKey,
    valid: { history_item_id: "rel_x" },
    wrongTypes: { history_item_id: 9 },
  },
];

async function unchangedAfter(send: () => Promise<Awaited<ReturnType<typeof call>>>) {
  const before = await storageSnapshot();
  const res = await send();
  expect(await storageSnapshot()).toEqual(before);
  return res;
}

describe.each(bodyRoutes)("$method $path", (route) => {
  const send = (init: { rawBody?: string; body?: unknown; headers?: Record<string, string> }) =>
    call(route.path(), { method: route.method, ...init, headers: { authorization: `Bearer ${route.auth()}`, ...init.headers } });

  it("malformed JSON → 400 MALFORMED_JSON", async () => {
    const res = await unchangedAfter(() => send({ rawBody: '{"name": ', headers: { "content-type": "application/json" } }));
    expectProblem(res, 400, "MALFORMED_JSON");
  });

  it("a body that is not JSON → 415", async () => {
    const res = await unchangedAfter(() => send({ rawBody: "name=x", headers: { "content-type": "application/x-www-form-urlencoded" } }));
    expectProblem(res, 415, "UNSUPPORTED_MEDIA_TYPE");
  });

  it("a JSON array or scalar instead of an object → 400", async () => {
    for (const rawBody of ["[]", "42", "null", '"text"']) {
      const res = await unchangedAfter(() => send({ rawBody, headers: { "content-type": "application/json" } }));
      expectProblem(res, 400, "VALIDATION_FAILED");
    }
  });

  it("each field with a wrong type → 400 naming that field", async () => {
    for (const [field, value] of Object.entries(route.wrongTypes)) {
      const res = await unchangedAfter(() => send({ body: { ...route.valid, [field]: value } }));
      const problem = expectProblem(res, 400, "VALIDATION_FAILED");
      const paths = (problem.errors as { path: string }[]).map((e) => e.path);
      expect(paths.some((p) => p === `body.${field}` || p.startsWith(`body.${field}.`) || p.startsWith(`body.${field}[`))).toBe(true);
    }
  });

  it("unknown fields (mass assignment) → 400 naming each", async () => {
    const res = await unchangedAfter(() => send({ body: { ...route.valid, id: "x", workspace_id: "ws_other", key_hash: "00" } }));
    const problem = expectProblem(res, 400, "VALIDATION_FAILED");
    expect((problem.errors as { path: string }[]).map((e) => e.path).sort()).toEqual(["body.id", "body.key_hash", "body.workspace_id"]);
  });

  it("an oversized body → 413", async () => {
    const res = await unchangedAfter(() => send({ body: { ...route.valid, padding: "x".repeat(MAX_BODY_BYTES) } }));
    expectProblem(res, 413, "PAYLOAD_TOO_LARGE");
  });
});

describe("query and path input", () => {
  it.each([
    ["/v1/environments?limit=0", "query.limit"],
    ["/v1/environments?limit=abc", "query.limit"],
    ["/v1/environments?limit=101", "query.limit"],
    ["/v1/environments?cursor=%%%", "query.cursor"],
    ["/v1/api-keys?cursor=bm90LWEtY3Vyc29y", "query.cursor"],
    ["/v1/audit-events?cursor=WyJ4Il0", "query.cursor"],
    ["/v1/environments/UPPER", "path.name"],
    ["/v1/deployments/faq/releases?environment=staging&cursor=WyJ4Il0", "query.cursor"],
    ["/v1/deployments?limit=0", "query.limit"],
    ["/v1/deployments?offset=-1", "query.offset"],
    ["/v1/deployments/faq/release-tags?source=OTHER&environment=staging", "query.source"],
    ["/v1/promotion-requests?status=maybe", "query.status"],
    ["/v1/releases/rel_x/compare", "query.to"],
    ["/v1/sandboxes/x?revision=zero", "query.revision"],
    ["/v1/executions?environment=staging&from=yesterday", "query.from"],
    ["/v1/executions?environment=staging&status=DONE", "query.status"],
    ["/v1/executions?environment=staging&cursor=abc", "query.cursor"],
    ["/v1/test-suites?limit=0", "query.limit"],
    ["/v1/test-suites?cursor=WyJ4Il0x", "query.cursor"],
    ["/v1/test-suites/ts_x/runs?limit=abc", "query.limit"],
    ["/v1/metrics?environment=staging&from=yesterday", "query.from"],
    ["/v1/metrics?environment=staging&bucket=2h", "query.bucket"],
    ["/v1/environments?bogus=1", "query.bogus"],
    ["/v1/releases/rel_x?environment=staging", "query.environment"],
    ["/v1/executions?environment=staging&from=2030-01-02T00:00:00Z&to=2030-01-01T00:00:00Z", "query.from"],
    ["/v1/audit-events?action=release.exploded", "query.action"],
  ])("GET %s → 400 naming %s", async (path, field) => {
    const res = await call(path, { key: ws.adminKey });
    const problem = expectProblem(res, 400, "VALIDATION_FAILED");
    expect((problem.errors as { path: string }[]).map((e) => e.path)).toContain(field);
  });

  it("an unknown route → 404 problem", async () => {
    expectProblem(await call("/v1/nothing-here", { key: ws.adminKey }), 404, "NOT_FOUND");
  });

  it("a workspace key listing keys of an environment that does not exist → 404", async () => {
    expectProblem(await call("/v1/api-keys?environment=nope", { key: ws.adminKey }), 404, "NOT_FOUND");
  });
});

describe("hostile path values", () => {
  it.each([
    "/v1/releases/%00",
    "/v1/sandboxes/%E2%80%AE%F0%9F%98%80",
    "/v1/deployments/..%2F..%2Fadmin",
    `/v1/deployments/${"a".repeat(5000)}`,
    "/v1/deployments/faq/releases/%25%27%22;--?environment=staging",
    "/v1/api-keys/' OR 1=1 --",
    "/v1/environments/%F0%9F%98%80",
  ])("GET %s → a 4xx problem, never a 500", async (path) => {
    const res = await call(path, { key: ws.adminKey });
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expect(res.headers.get("content-type")).toBe("application/problem+json");
  });
});
