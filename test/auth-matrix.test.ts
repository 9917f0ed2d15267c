import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { openDatabase } from "../src/db/client";
import { newId } from "../src/lib/ids";
import { insertRollout } from "../src/rollouts/rollout-repository";
import { insertScheduledRelease } from "../src/rollouts/scheduled-release-repository";
import { BOOTSTRAP_TOKEN, call, createWorkspace, expectProblem, storageSnapshot, type TestWorkspace } from "./harness";
import { createSandbox, deploy } from "./lifecycle/fixtures";
import { deliveriesSettled, mockReceiver } from "./webhooks/receiver";

/**
 * Every route × every way a caller can be wrong. Each target lives in the
 * environment "qa" of workspace A; workspace B has no such environment.
 * Every operation of /openapi.json needs a row here (see the last test).
 */
interface RouteCase {
  /** The operation as /openapi.json names it: method and path template. */
  operation: `${"GET" | "POST" | "PUT" | "PATCH" | "DELETE"} /v1/${string}`;
  /** The request that reaches the operation's target in qa. */
  path: (ids: Ids) => string;
  body?: unknown;
  /** The scope the route needs. */
  scope: "read" | "admin" | "deploy" | "promote" | "approve" | "execute";
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

/** Operations that take the server's bootstrap token instead of an API key; tested at the end. */
const BOOTSTRAP_OPERATIONS = ["POST /v1/workspaces"];

/** Operations a CI provider's OIDC token authenticates instead of an API key; tested at the end. */
const OIDC_TOKEN_OPERATIONS = ["POST /v1/oidc/token"];

const EXECUTE = { prompt_deployment_name: "faq", inputs: [{ name: "question", type: "STRING", value: "q" }] };

/** The smallest workflow: one output of its input. */
const FLOW = { input_variables: [{ key: "question", type: "STRING" }], nodes: [{ id: "out", type: "output", name: "answer", value: "{{ inputs.question }}" }], edges: [] };

interface Ids {
  qaKeyId: string;
  sandboxId: string;
  deploymentId: string;
  qaReleaseId: string;
  qaFirstReleaseId: string;
  qaWebhookId: string;
  qaDeliveryId: string;
  qaPromotionRequestId: string;
  testSuiteId: string;
  qaTestRunId: string;
  qaTrustPolicyId: string;
  qaRolloutId: string;
  qaScheduledReleaseId: string;
}

const routes: RouteCase[] = [
  { operation: "GET /v1/environments", path: () => "/v1/environments", scope: "read", otherEnvironment: "hidden", otherWorkspace: "hidden" },
  {
    operation: "POST /v1/environments",
    path: () => "/v1/environments",
    body: { name: "brand-new" },
    scope: "admin",
    workspaceLevel: true,
    otherEnvironment: 403,
    otherWorkspace: "hidden",
  },
  { operation: "GET /v1/environments/{name}", path: () => "/v1/environments/qa", scope: "read", otherEnvironment: 404, otherWorkspace: 404 },
  { operation: "GET /v1/environments/compare", path: () => "/v1/environments/compare?from=qa&to=qa-two", scope: "read", otherEnvironment: 404, otherWorkspace: 404 },
  {
    operation: "PATCH /v1/environments/{name}",
    path: () => "/v1/environments/qa",
    body: { label: "Changed" },
    scope: "admin",
    workspaceLevel: true,
    otherEnvironment: 404,
    otherWorkspace: 404,
  },
  { operation: "DELETE /v1/environments/{name}", path: () => "/v1/environments/qa", scope: "admin", workspaceLevel: true, otherEnvironment: 404, otherWorkspace: 404 },
  { operation: "GET /v1/api-keys", path: () => "/v1/api-keys?environment=qa", scope: "admin", otherEnvironment: 404, otherWorkspace: 404 },
  {
    operation: "POST /v1/api-keys",
    path: () => "/v1/api-keys",
    body: { name: "n", environment: "qa", scopes: ["read"] },
    scope: "admin",
    otherEnvironment: 404,
    otherWorkspace: 404,
  },
  { operation: "GET /v1/api-keys/{id}", path: (ids) => `/v1/api-keys/${ids.qaKeyId}`, scope: "admin", otherEnvironment: 404, otherWorkspace: 404 },
  { operation: "POST /v1/api-keys/{id}/rotate", path: (ids) => `/v1/api-keys/${ids.qaKeyId}/rotate`, body: {}, scope: "admin", otherEnvironment: 404, otherWorkspace: 404 },
  { operation: "DELETE /v1/api-keys/{id}", path: (ids) => `/v1/api-keys/${ids.qaKeyId}`, scope: "admin", otherEnvironment: 404, otherWorkspace: 404 },
  { operation: "GET /v1/audit-events", path: () => "/v1/audit-events?environment=qa", scope: "admin", otherEnvironment: 404, otherWorkspace: 404 },
  { operation: "GET /v1/audit-events/verify", path: () => "/v1/audit-events/verify", scope: "admin", workspaceLevel: true, otherEnvironment: 403, otherWorkspace: "hidden" },
  { operation: "GET /v1/sandboxes", path: () => "/v1/sandboxes", scope: "read", otherEnvironment: "shared", otherWorkspace: "hidden" },
  {
    operation: "POST /v1/sandboxes",
    path: () => "/v1/sandboxes",
    body: { name: "another-sandbox", kind: "prompt", spec: { input_variables: [], model: { provider: "echo", name: "echo" }, blocks: [{ role: "user", template: "hi" }] } },
    scope: "deploy",
    otherEnvironment: "skip",
    otherWorkspace: "hidden",
  },
  { operation: "GET /v1/sandboxes/{id}", path: (ids) => `/v1/sandboxes/${ids.sandboxId}`, scope: "read", otherEnvironment: "shared", otherWorkspace: 404 },
  {
    operation: "PATCH /v1/sandboxes/{id}",
    path: (ids) => `/v1/sandboxes/${ids.sandboxId}`,
    body: { name: "renamed" },
    scope: "deploy",
    otherEnvironment: "skip",
    otherWorkspace: 404,
  },
  {
    operation: "POST /v1/sandboxes/{id}/deploy",
    path: (ids) => `/v1/sandboxes/${ids.sandboxId}/deploy`,
    body: { deployment_name: "faq", environments: ["qa"] },
    scope: "deploy",
    otherEnvironment: 404,
    otherWorkspace: 404,
  },
  { operation: "GET /v1/test-suites", path: () => "/v1/test-suites", scope: "read", otherEnvironment: "shared", otherWorkspace: "hidden" },
  {
    operation: "POST /v1/test-suites",
    path: () => "/v1/test-suites",
    body: { name: "another-suite", cases: [] },
    scope: "deploy",
    otherEnvironment: "skip",
    otherWorkspace: "hidden",
  },
  { operation: "GET /v1/test-suites/{id}", path: (ids) => `/v1/test-suites/${ids.testSuiteId}`, scope: "read", otherEnvironment: "shared", otherWorkspace: 404 },
  {
    operation: "PATCH /v1/test-suites/{id}",
    path: (ids) => `/v1/test-suites/${ids.testSuiteId}`,
    body: { description: "changed" },
    scope: "deploy",
    otherEnvironment: "skip",
    otherWorkspace: 404,
  },
  {
    operation: "POST /v1/test-suites/{id}/runs",
    path: (ids) => `/v1/test-suites/${ids.testSuiteId}/runs`,
    // Read when the request is sent, after the release exists.
    get body() {
      return { release_id: ids.qaReleaseId };
    },
    scope: "execute",
    otherEnvironment: 404,
    otherWorkspace: 404,
  },
  { operation: "GET /v1/test-suites/{id}/runs", path: (ids) => `/v1/test-suites/${ids.testSuiteId}/runs`, scope: "read", otherEnvironment: "hidden", otherWorkspace: 404 },
  { operation: "GET /v1/test-suite-runs/{id}", path: (ids) => `/v1/test-suite-runs/${ids.qaTestRunId}`, scope: "read", otherEnvironment: 404, otherWorkspace: 404 },
  {
    operation: "GET /v1/deployments/{id}/releases",
    path: (ids) => `/v1/deployments/${ids.deploymentId}/releases?environment=qa`,
    scope: "read",
    otherEnvironment: 404,
    otherWorkspace: 404,
  },
  {
    operation: "POST /v1/deployments/{id}/revert",
    path: (ids) => `/v1/deployments/${ids.deploymentId}/revert?environment=qa`,
    body: {},
    scope: "promote",
    otherEnvironment: 404,
    otherWorkspace: 404,
  },
  { operation: "GET /v1/releases/{id}", path: (ids) => `/v1/releases/${ids.qaReleaseId}`, scope: "read", otherEnvironment: 404, otherWorkspace: 404 },
  {
    operation: "GET /v1/releases/{id}/compare",
    path: (ids) => `/v1/releases/${ids.qaReleaseId}/compare?to=${ids.qaFirstReleaseId}`,
    scope: "read",
    otherEnvironment: 404,
    otherWorkspace: 404,
  },
  {
    operation: "POST /v1/releases/{id}/promote",
    path: (ids) => `/v1/releases/${ids.qaReleaseId}/promote`,
    body: { environments: ["qa-two"] },
    scope: "promote",
    otherEnvironment: 404,
    otherWorkspace: 404,
  },
  {
    operation: "POST /v1/deployments/{id}/rollouts",
    path: (ids) => `/v1/deployments/${ids.deploymentId}/rollouts?environment=qa`,
    body: { release_id: "placeholder" },
    scope: "promote",
    otherEnvironment: 404,
    otherWorkspace: 404,
  },
  {
    operation: "GET /v1/deployments/{id}/rollouts",
    path: (ids) => `/v1/deployments/${ids.deploymentId}/rollouts?environment=qa`,
    scope: "read",
    otherEnvironment: 404,
    otherWorkspace: 404,
  },
  { operation: "GET /v1/rollouts/{id}", path: (ids) => `/v1/rollouts/${ids.qaRolloutId}`, scope: "read", otherEnvironment: 404, otherWorkspace: 404 },
  ...(["pause", "resume", "advance", "abort", "complete"] as const).map(
    (action): RouteCase => ({
      operation: `POST /v1/rollouts/{id}/${action}`,
      path: (ids) => `/v1/rollouts/${ids.qaRolloutId}/${action}`,
      scope: "promote",
      otherEnvironment: 404,
      otherWorkspace: 404,
    }),
  ),
  { operation: "GET /v1/scheduled-releases", path: () => "/v1/scheduled-releases?environment=qa", scope: "read", otherEnvironment: 404, otherWorkspace: 404 },
  { operation: "GET /v1/scheduled-releases/{id}", path: (ids) => `/v1/scheduled-releases/${ids.qaScheduledReleaseId}`, scope: "read", otherEnvironment: 404, otherWorkspace: 404 },
  {
    operation: "POST /v1/scheduled-releases/{id}/cancel",
    path: (ids) => `/v1/scheduled-releases/${ids.qaScheduledReleaseId}/cancel`,
    scope: "promote",
    otherEnvironment: 404,
    otherWorkspace: 404,
  },
  { operation: "GET /v1/promotion-requests", path: () => "/v1/promotion-requests?environment=qa", scope: "read", otherEnvironment: 404, otherWorkspace: 404 },
  { operation: "GET /v1/promotion-requests/{id}", path: (ids) => `/v1/promotion-requests/${ids.qaPromotionRequestId}`, scope: "read", otherEnvironment: 404, otherWorkspace: 404 },
  {
    operation: "POST /v1/promotion-requests/{id}/approve",
    path: (ids) => `/v1/promotion-requests/${ids.qaPromotionRequestId}/approve`,
    body: { comment: "fine" },
    scope: "approve",
    otherEnvironment: 404,
    otherWorkspace: 404,
  },
  {
    operation: "POST /v1/promotion-requests/{id}/reject",
    path: (ids) => `/v1/promotion-requests/${ids.qaPromotionRequestId}/reject`,
    body: { comment: "not yet" },
    scope: "approve",
    otherEnvironment: 404,
    otherWorkspace: 404,
  },
  { operation: "GET /v1/deployments", path: () => "/v1/deployments?environment=qa", scope: "read", otherEnvironment: 404, otherWorkspace: 404 },
  { operation: "GET /v1/deployments/{id}", path: () => "/v1/deployments/faq?environment=qa", scope: "read", otherEnvironment: 404, otherWorkspace: 404 },
  { operation: "GET /v1/deployments/{id}/release-tags", path: () => "/v1/deployments/faq/release-tags?environment=qa", scope: "read", otherEnvironment: 404, otherWorkspace: 404 },
  {
    operation: "GET /v1/deployments/{id}/release-tags/{name}",
    path: () => "/v1/deployments/faq/release-tags/LATEST?environment=qa",
    scope: "read",
    otherEnvironment: 404,
    otherWorkspace: 404,
  },
  {
    operation: "PATCH /v1/deployments/{id}/release-tags/{name}",
    path: () => "/v1/deployments/faq/release-tags/stable?environment=qa",
    body: { history_item_id: "placeholder" },
    scope: "promote",
    otherEnvironment: 404,
    otherWorkspace: 404,
  },
  {
    operation: "GET /v1/deployments/{id}/releases/{release_id_or_release_tag}",
    path: () => "/v1/deployments/faq/releases/LATEST?environment=qa",
    scope: "read",
    otherEnvironment: 404,
    otherWorkspace: 404,
  },
  { operation: "GET /v1/workflow-deployments", path: () => "/v1/workflow-deployments?environment=qa", scope: "read", otherEnvironment: 404, otherWorkspace: 404 },
  { operation: "GET /v1/workflow-deployments/{id}", path: () => "/v1/workflow-deployments/flow?environment=qa", scope: "read", otherEnvironment: 404, otherWorkspace: 404 },
  {
    operation: "GET /v1/workflow-deployments/{id}/release-tags",
    path: () => "/v1/workflow-deployments/flow/release-tags?environment=qa",
    scope: "read",
    otherEnvironment: 404,
    otherWorkspace: 404,
  },
  {
    operation: "GET /v1/workflow-deployments/{id}/release-tags/{name}",
    path: () => "/v1/workflow-deployments/flow/release-tags/LATEST?environment=qa",
    scope: "read",
    otherEnvironment: 404,
    otherWorkspace: 404,
  },
  {
    operation: "PATCH /v1/workflow-deployments/{id}/release-tags/{name}",
    path: () => "/v1/workflow-deployments/flow/release-tags/stable?environment=qa",
    body: { history_item_id: "placeholder" },
    scope: "promote",
    otherEnvironment: 404,
    otherWorkspace: 404,
  },
  {
    operation: "GET /v1/workflow-deployments/{id}/releases/{release_id_or_release_tag}",
    path: () => "/v1/workflow-deployments/flow/releases/LATEST?environment=qa",
    scope: "read",
    otherEnvironment: 404,
    otherWorkspace: 404,
  },
  { operation: "POST /v1/execute-prompt", path: () => "/v1/execute-prompt?environment=qa", body: EXECUTE, scope: "execute", otherEnvironment: 404, otherWorkspace: 404 },
  {
    operation: "POST /v1/execute-prompt-stream",
    path: () => "/v1/execute-prompt-stream?environment=qa",
    body: EXECUTE,
    scope: "execute",
    otherEnvironment: 404,
    otherWorkspace: 404,
  },
  { operation: "GET /v1/executions", path: () => "/v1/executions?environment=qa", scope: "read", otherEnvironment: 404, otherWorkspace: 404 },
  { operation: "GET /v1/executions/{id}", path: () => "/v1/executions/exe_unknown?environment=qa", scope: "read", otherEnvironment: 404, otherWorkspace: 404 },
  { operation: "GET /v1/metrics", path: () => "/v1/metrics?environment=qa", scope: "read", otherEnvironment: 404, otherWorkspace: 404 },
  {
    operation: "POST /v1/submit-completion-actuals",
    path: () => "/v1/submit-completion-actuals?environment=qa",
    body: { actuals: [{ external_id: "x", quality: 1 }] },
    scope: "execute",
    otherEnvironment: 404,
    otherWorkspace: 404,
  },
  {
    operation: "PUT /v1/environments/{name}/secrets/{key}",
    path: () => "/v1/environments/qa/secrets/API_TOKEN",
    body: { value: "s3cret" },
    scope: "admin",
    otherEnvironment: 404,
    otherWorkspace: 404,
  },
  { operation: "GET /v1/environments/{name}/secrets", path: () => "/v1/environments/qa/secrets", scope: "admin", otherEnvironment: 404, otherWorkspace: 404 },
  { operation: "DELETE /v1/environments/{name}/secrets/{key}", path: () => "/v1/environments/qa/secrets/API_TOKEN", scope: "admin", otherEnvironment: 404, otherWorkspace: 404 },
  { operation: "GET /v1/oidc/trust-policies", path: () => "/v1/oidc/trust-policies", scope: "admin", workspaceLevel: true, otherEnvironment: 403, otherWorkspace: "hidden" },
  {
    operation: "POST /v1/oidc/trust-policies",
    path: () => "/v1/oidc/trust-policies",
    body: {
      name: "ci",
      issuer: "https://token.actions.githubusercontent.com",
      audience: "stagecraft",
      conditions: { repository: "acme/other" },
      environment: "qa",
      scopes: ["read"],
    },
    scope: "admin",
    workspaceLevel: true,
    otherEnvironment: 403,
    otherWorkspace: "hidden",
  },
  {
    operation: "GET /v1/oidc/trust-policies/{id}",
    path: (ids) => `/v1/oidc/trust-policies/${ids.qaTrustPolicyId}`,
    scope: "admin",
    workspaceLevel: true,
    otherEnvironment: 403,
    otherWorkspace: 404,
  },
  {
    operation: "PATCH /v1/oidc/trust-policies/{id}",
    path: (ids) => `/v1/oidc/trust-policies/${ids.qaTrustPolicyId}`,
    body: { scopes: ["read", "deploy"] },
    scope: "admin",
    workspaceLevel: true,
    otherEnvironment: 403,
    otherWorkspace: 404,
  },
  {
    operation: "DELETE /v1/oidc/trust-policies/{id}",
    path: (ids) => `/v1/oidc/trust-policies/${ids.qaTrustPolicyId}`,
    scope: "admin",
    workspaceLevel: true,
    otherEnvironment: 403,
    otherWorkspace: 404,
  },
  { operation: "GET /v1/webhooks", path: () => "/v1/webhooks?environment=qa", scope: "admin", otherEnvironment: 404, otherWorkspace: 404 },
  { operation: "POST /v1/webhooks", path: () => "/v1/webhooks?environment=qa", body: { url: "https://hooks.test/qa" }, scope: "admin", otherEnvironment: 404, otherWorkspace: 404 },
  { operation: "GET /v1/webhooks/{id}", path: (ids) => `/v1/webhooks/${ids.qaWebhookId}`, scope: "admin", otherEnvironment: 404, otherWorkspace: 404 },
  { operation: "PATCH /v1/webhooks/{id}", path: (ids) => `/v1/webhooks/${ids.qaWebhookId}`, body: { active: false }, scope: "admin", otherEnvironment: 404, otherWorkspace: 404 },
  { operation: "DELETE /v1/webhooks/{id}", path: (ids) => `/v1/webhooks/${ids.qaWebhookId}`, scope: "admin", otherEnvironment: 404, otherWorkspace: 404 },
  { operation: "GET /v1/webhooks/{id}/deliveries", path: (ids) => `/v1/webhooks/${ids.qaWebhookId}/deliveries`, scope: "admin", otherEnvironment: 404, otherWorkspace: 404 },
  {
    operation: "POST /v1/webhooks/{id}/deliveries/{delivery_id}/redeliver",
    path: (ids) => `/v1/webhooks/${ids.qaWebhookId}/deliveries/${ids.qaDeliveryId}/redeliver`,
    scope: "admin",
    otherEnvironment: 404,
    otherWorkspace: 404,
  },
  {
    operation: "POST /v1/sandboxes/{id}/run",
    path: (ids) => `/v1/sandboxes/${ids.sandboxId}/run?environment=qa`,
    body: { inputs: { question: "q" } },
    scope: "execute",
    otherEnvironment: 404,
    otherWorkspace: 404,
  },
  { operation: "GET /v1/document-indexes", path: () => "/v1/document-indexes?environment=qa", scope: "read", otherEnvironment: 404, otherWorkspace: 404 },
  {
    operation: "POST /v1/document-indexes",
    path: () => "/v1/document-indexes?environment=qa",
    body: { name: "another" },
    scope: "deploy",
    otherEnvironment: 404,
    otherWorkspace: 404,
  },
  { operation: "GET /v1/document-indexes/{id}", path: () => "/v1/document-indexes/kb?environment=qa", scope: "read", otherEnvironment: 404, otherWorkspace: 404 },
  { operation: "DELETE /v1/document-indexes/{id}", path: () => "/v1/document-indexes/kb?environment=qa", scope: "deploy", otherEnvironment: 404, otherWorkspace: 404 },
  {
    operation: "GET /v1/document-indexes/{id}/documents",
    path: () => "/v1/document-indexes/kb/documents?environment=qa",
    scope: "read",
    otherEnvironment: 404,
    otherWorkspace: 404,
  },
  {
    operation: "POST /v1/document-indexes/{id}/documents",
    path: () => "/v1/document-indexes/kb/documents?environment=qa",
    body: { title: "t", text: "x" },
    scope: "deploy",
    otherEnvironment: 404,
    otherWorkspace: 404,
  },
  {
    operation: "DELETE /v1/document-indexes/{id}/documents/{document_id}",
    path: () => "/v1/document-indexes/kb/documents/doc_x?environment=qa",
    scope: "deploy",
    otherEnvironment: 404,
    otherWorkspace: 404,
  },
  { operation: "POST /v1/search", path: () => "/v1/search?environment=qa", body: { index_name: "kb", query: "x" }, scope: "execute", otherEnvironment: 404, otherWorkspace: 404 },
  {
    operation: "POST /v1/execute-workflow",
    path: () => "/v1/execute-workflow?environment=qa",
    body: { workflow_deployment_name: "flow", inputs: [{ name: "question", type: "STRING", value: "q" }] },
    scope: "execute",
    otherEnvironment: 404,
    otherWorkspace: 404,
  },
  {
    operation: "POST /v1/execute-workflow-stream",
    path: () => "/v1/execute-workflow-stream?environment=qa",
    body: { workflow_deployment_name: "flow", inputs: [{ name: "question", type: "STRING", value: "q" }] },
    scope: "execute",
    otherEnvironment: 404,
    otherWorkspace: 404,
  },
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
  const flow = await createSandbox(a, "flow", FLOW, "workflow");
  expect((await deploy(a, flow.id, ["qa"], { deployment_name: "flow" })).status).toBe(201);
  // A promotion into qa that waits for an approval, announced to qa's webhook; its delivery ends before any test runs.
  const received = mockReceiver();
  const inStaging = await deploy(a, sandbox.id, ["staging"]);
  expect(inStaging.status).toBe(201);
  expect((await call("/v1/environments/qa", { method: "PATCH", key: a.adminKey, body: { required_approvals: 1 } })).status).toBe(200);
  const promoted = await call(`/v1/releases/${inStaging.body.releases[0].id}/promote`, { key: a.adminKey, body: { environments: ["qa"] } });
  expect(promoted.status).toBe(202);
  const [delivery] = await deliveriesSettled(a.id, 1).finally(() => vi.restoreAllMocks());
  expect([delivery?.status, received.length]).toEqual(["succeeded", 1]);
  const suite = await call("/v1/test-suites", { key: a.adminKey, body: { name: "suite", cases: [{ inputs: { question: "q" }, assertions: [{ type: "contains", value: "q" }] }] } });
  const testRun = await call(`/v1/test-suites/${suite.body.id}/runs`, { key: a.adminKey, body: { release_id: second.body.releases[0].id } });
  expect([suite.status, testRun.status]).toEqual([201, 201]);
  const trustPolicy = await call("/v1/oidc/trust-policies", {
    key: a.adminKey,
    body: {
      name: "qa ci",
      issuer: "https://token.actions.githubusercontent.com",
      audience: "stagecraft",
      conditions: { repository: "acme/prompts" },
      environment: "qa",
      scopes: ["deploy"],
    },
  });
  expect(trustPolicy.status).toBe(201);
  // A rollout and a scheduled release in qa, both written as ended so that no alarm judges or fires them during the matrix.
  const now = new Date().toISOString();
  const qaRolloutId = newId("rollout");
  await insertRollout(openDatabase(env.DB), {
    id: qaRolloutId,
    workspaceId: a.id,
    deploymentId: sandbox.deployment_id,
    environmentId: qa.body.id,
    mode: "canary",
    status: "aborted",
    stableReleaseId: first.body.releases[0].id,
    candidateReleaseId: second.body.releases[0].id,
    restoredReleaseId: null,
    steps: [{ percent: 10, min_duration_seconds: 0, min_executions: 0 }],
    stepIndex: 0,
    stepStartedAt: now,
    percent: 0,
    salt: "salt",
    stickyBy: null,
    guard: null,
    lastJudgement: null,
    endReason: "Aborted in the test's setup",
    createdAt: now,
    createdBy: "test",
    updatedAt: now,
    endedAt: now,
  });
  const qaScheduledReleaseId = newId("scheduledRelease");
  await insertScheduledRelease(openDatabase(env.DB), {
    id: qaScheduledReleaseId,
    workspaceId: a.id,
    deploymentId: sandbox.deployment_id,
    environmentId: qa.body.id,
    kind: "promotion",
    releaseId: inStaging.body.releases[0].id,
    rolloutPlan: null,
    releaseTags: [],
    description: "",
    scheduledAt: now,
    status: "cancelled",
    result: { cancelled_by: "test" },
    createdAt: now,
    createdBy: "test",
    updatedAt: now,
  });
  ids = {
    qaRolloutId,
    qaScheduledReleaseId,
    testSuiteId: suite.body.id,
    qaTestRunId: testRun.body.id,
    qaKeyId: qaKey.id,
    sandboxId: sandbox.id,
    deploymentId: sandbox.deployment_id,
    qaReleaseId: second.body.releases[0].id,
    qaFirstReleaseId: first.body.releases[0].id,
    qaWebhookId: webhook.body.id,
    qaDeliveryId: delivery!.id,
    qaPromotionRequestId: promoted.body.results[0].promotion_request.id,
    qaTrustPolicyId: trustPolicy.body.id,
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
  return call(route.path(ids), { method: methodOf(route), body: route.body, headers });
}

async function expectUnchanged(route: RouteCase, headers: Record<string, string>, check: (res: Awaited<ReturnType<typeof call>>) => void) {
  const before = await storageSnapshot();
  const res = await requestFor(route, headers);
  check(res);
  expect(await storageSnapshot()).toEqual(before);
}

const methodOf = (route: RouteCase) => route.operation.split(" ")[0]!;
const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

describe.each(routes)("$operation", (route) => {
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
      const res = await call(route.path(ids), { method: methodOf(route) === "POST" ? "GET" : methodOf(route), headers: bearer(b.adminKey) });
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

describe(BOOTSTRAP_OPERATIONS[0]!, () => {
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

describe(OIDC_TOKEN_OPERATIONS[0]!, () => {
  it.each([
    ["an admin API key in the header and as the token", () => ({ body: { token: a.adminKey }, headers: bearer(a.adminKey) })],
    ["the bootstrap token as the token", () => ({ body: { token: BOOTSTRAP_TOKEN }, headers: {} })],
    ["a signed-looking token of an issuer no policy trusts", () => ({ body: { token: `${btoa('{"alg":"RS256"}')}.${btoa('{"iss":"https://nobody.test"}')}.c2ln` }, headers: {} })],
  ])("with %s → 401 and nothing created", async (_, request) => {
    const before = await storageSnapshot();
    const res = await call("/v1/oidc/token", request());
    expectProblem(res, 401, "OIDC_TOKEN_REJECTED");
    expect(await storageSnapshot()).toEqual(before);
  });
});

describe("the matrix", () => {
  const HTTP_METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

  it("has one row for every operation /openapi.json describes, and none for an operation it does not", async () => {
    const res = await call("/openapi.json");
    expect(res.status).toBe(200);
    const documented = Object.entries(res.body.paths as Record<string, Record<string, unknown>>).flatMap(([path, item]) =>
      Object.keys(item)
        .filter((method) => HTTP_METHODS.includes(method))
        .map((method) => `${method.toUpperCase()} ${path}`),
    );
    const rows = [...routes.map((r) => r.operation), ...BOOTSTRAP_OPERATIONS, ...OIDC_TOKEN_OPERATIONS];
    expect({
      withoutRow: documented.filter((op) => !rows.includes(op)).sort(),
      notDocumented: rows.filter((op) => !documented.includes(op)).sort(),
    }).toEqual({ withoutRow: [], notDocumented: [] });
  });

  it("each row's request reaches the operation it names", () => {
    const mismatched = routes.filter((route) => {
      const template = route.operation.slice(route.operation.indexOf(" ") + 1);
      const pattern = new RegExp(`^${template.replace(/\{[^}]+\}/g, "[^/]+")}$`);
      return !pattern.test(route.path(ids).split("?")[0]!);
    });
    expect(mismatched.map((r) => `${r.operation} ← ${r.path(ids)}`)).toEqual([]);
  });
});
