import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { expect, vi } from "vitest";
import { edgeKeys, type TagPointer } from "../../src/edge/keys";
import type { DeploymentCoordinator } from "../../src/releases/deployment-coordinator";
import { meetsCandidate } from "../../src/rollouts/split";
import { type ApiResponse, call, createWorkspace, type TestWorkspace } from "../harness";
import { createSandbox, deploy, promptSpec, saveSandbox } from "../lifecycle/fixtures";

/** The fake OpenAI-compatible provider's base URL, and the webhook receiver's, both answered by `mockNetwork`. */
export const UPSTREAM = "https://llm.test/v1";
export const RECEIVER = "https://hooks.test";

/** The test config's edge-cache bound (vitest.config.ts), and a wait just past it. */
export const EDGE_CACHE_MS = 20;
export const pastEdgeCache = () => new Promise((resolve) => setTimeout(resolve, EDGE_CACHE_MS + 5));

/** The stable release's echo answers the question as asked; the candidate's prefixes it, so an answer names its arm. */
export const STABLE_SPEC = promptSpec("{{ question }}");
export const CANDIDATE_SPEC = promptSpec("Candidate: {{ question }}");

/** A prompt spec on the fake upstream; `marker` lets the upstream's handler tell the arms apart. */
export function upstreamSpec(marker: string) {
  return {
    input_variables: [{ key: "question", type: "STRING", required: true }],
    model: { provider: "openai", name: "gpt-4o-mini", base_url: UPSTREAM, parameters: { temperature: 0 } },
    blocks: [{ role: "user", template: `${marker}: {{ question }}` }],
  };
}

export function completion(text: string) {
  return Response.json({
    id: "cmpl-1",
    choices: [{ index: 0, message: { role: "assistant", content: text }, finish_reason: "stop" }],
    usage: { prompt_tokens: 10, completion_tokens: 4 },
  });
}

/** A test that waits for the queue (its batches wait up to a second each) may take longer than vitest's default 5 s on a busy machine. */
export const QUEUE_TIMEOUT_MS = 30_000;

export const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Replaces the network beyond the Worker: the fake model provider answers
 * through `upstream` (with the request's body text), the webhook receiver
 * with 204 and a record of what it got. Anything else fails loudly.
 */
export function mockNetwork(upstream: (body: string) => Response | Promise<Response> = () => new Response("no upstream", { status: 599 })) {
  const received: { type: string; body: string }[] = [];
  vi.spyOn(globalThis, "fetch").mockImplementation(async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(input, init);
    if (request.url.startsWith("https://stagecraft.test")) return exports.default.fetch(request);
    if (request.url.startsWith(UPSTREAM)) return upstream(await request.text());
    if (request.url.startsWith(RECEIVER)) {
      const body = await request.text();
      received.push({ type: JSON.parse(body).type, body });
      return new Response(null, { status: 204 });
    }
    throw new Error(`unexpected network call to ${request.url}`);
  });
  return received;
}

export interface RolloutSetup {
  ws: TestWorkspace;
  sandboxId: string;
  deploymentId: string;
  /** The release live in staging before the rollout. */
  stableId: string;
  /** The candidate as it lives in development, before a rollout brings it into staging. */
  originId: string;
}

/** A workspace whose "faq" prompt serves `stable` in staging, with `candidate` deployed to development. */
export async function rolloutSetup(stable: unknown = STABLE_SPEC, candidate: unknown = CANDIDATE_SPEC, name = "Rollouts"): Promise<RolloutSetup> {
  const ws = await createWorkspace(name);
  const sandbox = await createSandbox(ws, "faq", stable);
  const live = await deploy(ws, sandbox.id, ["staging"]);
  expect(live.status, JSON.stringify(live.body)).toBe(201);
  await saveSandbox(ws, sandbox.id, candidate);
  const dev = await deploy(ws, sandbox.id, ["development"]);
  expect(dev.status, JSON.stringify(dev.body)).toBe(201);
  return { ws, sandboxId: sandbox.id, deploymentId: sandbox.deployment_id, stableId: live.body.releases[0].id, originId: dev.body.releases[0].id };
}

/** POST /v1/deployments/faq/rollouts in `environment`. */
export function startRollout(s: RolloutSetup, body: Record<string, unknown>, environment = "staging", key = s.ws.adminKey) {
  return call(`/v1/deployments/faq/rollouts?environment=${environment}`, { key, body: { release_id: s.originId, ...body } });
}

/** Starts a rollout and returns it, failing the test unless it started. */
export async function startedRollout(s: RolloutSetup, body: Record<string, unknown>) {
  const res = await startRollout(s, body);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  expect(res.body.status).toBe("started");
  return res.body.rollout as { id: string; candidate_release_id: string; stable_release_id: string; step_started_at: string; percent: number };
}

/** The rollout's salt, which only D1 knows: tests use it to pick subjects of either arm. */
export async function saltOf(rolloutId: string) {
  const row = await env.DB.prepare("SELECT salt FROM rollouts WHERE id = ?").bind(rolloutId).first<{ salt: string }>();
  return row!.salt;
}

/** The first `count` subjects ("user-0", "user-1", …) that meet the candidate at `percent`, and the first `count` that do not. */
export function subjectsByArm(salt: string, percent: number, count: number, prefix = "user-") {
  const candidate: string[] = [];
  const stable: string[] = [];
  for (let i = 0; candidate.length < count || stable.length < count; i++) {
    const subject = `${prefix}${i}`;
    const list = meetsCandidate(percent, salt, subject) ? candidate : stable;
    if (list.length < count) list.push(subject);
  }
  return { candidate, stable };
}

/** Invokes faq in staging as `subject` (Vellum's external_id unless `extra` says otherwise). */
export function invoke(ws: TestWorkspace, subject: string | null, extra: Record<string, unknown> = {}, headers: Record<string, string> = {}, question = "q"): Promise<ApiResponse> {
  return call("/v1/execute-prompt?environment=staging", {
    key: ws.adminKey,
    headers,
    body: { prompt_deployment_name: "faq", inputs: [{ type: "STRING", name: "question", value: question }], ...(subject === null ? {} : { external_id: subject }), ...extra },
  });
}

/** Waits until the queue consumer has written `count` executions of the workspace matching `where`. */
export async function executionsRecorded(workspaceId: string, count: number, where = "1 = 1") {
  let rows: Record<string, any>[] = [];
  for (let i = 0; i < 150; i++) {
    rows = (await env.DB.prepare(`SELECT * FROM executions WHERE workspace_id = ? AND ${where}`).bind(workspaceId).all()).results;
    if (rows.length >= count) break;
    await delay(50);
  }
  expect(rows.length).toBe(count);
  return rows;
}

/** Waits until the workspace has `count` shadow executions. */
export async function shadowExecutionsRecorded(workspaceId: string, count: number) {
  let rows: Record<string, any>[] = [];
  for (let i = 0; i < 150; i++) {
    rows = (await env.DB.prepare("SELECT * FROM shadow_executions WHERE workspace_id = ?").bind(workspaceId).all()).results;
    if (rows.length >= count) break;
    await delay(50);
  }
  expect(rows.length).toBe(count);
  return rows;
}

/** The deployment's coordinator. */
export function coordinator(s: Pick<RolloutSetup, "ws" | "deploymentId">) {
  return env.DEPLOYMENT_COORDINATOR.get(env.DEPLOYMENT_COORDINATOR.idFromName(`${s.ws.id}:${s.deploymentId}`));
}

/** Runs the coordinator's alarm now, with its clock reading `at` (ms). */
export async function alarmAt(s: Pick<RolloutSetup, "ws" | "deploymentId">, at: number) {
  const stub = coordinator(s);
  await runInDurableObject(stub, (instance: DeploymentCoordinator) => {
    instance.clock = () => new Date(at);
  });
  return runDurableObjectAlarm(stub);
}

export async function getRollout(s: RolloutSetup, id: string) {
  const res = await call(`/v1/rollouts/${id}`, { key: s.ws.adminKey });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
}

/** The release LATEST names in D1 for the environment. */
export async function latestInD1(s: RolloutSetup, environment = "staging") {
  return env.DB.prepare(
    "SELECT r.id, r.version, r.content_hash, r.source_type, r.source_release_id FROM release_tags t JOIN releases r ON r.id = t.release_id WHERE t.workspace_id = ? AND t.deployment_id = ? AND t.environment_id = ? AND t.name = 'LATEST'",
  )
    .bind(s.ws.id, s.deploymentId, s.ws.environments[environment]!.id)
    .first<{ id: string; version: number; content_hash: string; source_type: string; source_release_id: string | null }>();
}

export async function contentHashOf(releaseId: string) {
  return (await env.DB.prepare("SELECT content_hash FROM releases WHERE id = ?").bind(releaseId).first<{ content_hash: string }>())!.content_hash;
}

/** The LATEST pointer the invoke path reads from KV. */
export async function pointerInKv(s: RolloutSetup, environment = "staging") {
  return env.EDGE.get<TagPointer>(edgeKeys.pointer(s.ws.environments[environment]!.id, s.deploymentId, "LATEST"), "json");
}

/** The workspace's audit actions, oldest first, optionally only those starting with `prefix`. */
export async function auditActions(workspaceId: string, prefix = "") {
  const { results } = await env.DB.prepare("SELECT action FROM audit_events WHERE workspace_id = ? AND action LIKE ? ORDER BY seq")
    .bind(workspaceId, `${prefix}%`)
    .all<{ action: string }>();
  return results.map((r) => r.action);
}

export async function rolloutRow(id: string) {
  return (await env.DB.prepare("SELECT * FROM rollouts WHERE id = ?").bind(id).first<Record<string, any>>())!;
}
