import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { call, expectProblem, storageSnapshot } from "../harness";
import { deploy, promptSpec, saveSandbox } from "../lifecycle/fixtures";
import {
  alarmAt,
  auditActions,
  contentHashOf,
  coordinator,
  executionsRecorded,
  getRollout,
  invoke,
  latestInD1,
  pointerInKv,
  QUEUE_TIMEOUT_MS,
  type RolloutSetup,
  rolloutRow,
  rolloutSetup,
  saltOf,
  startedRollout,
  startRollout,
  subjectsByArm,
} from "./fixtures";

afterEach(() => {
  vi.restoreAllMocks();
});

const CANARY = { steps: [{ percent: 10, min_duration_seconds: 60, min_executions: 1 }, { percent: 50 }, { percent: 100 }], guard: null };

/** A third content, deployed to development, to promote or roll out while the first rollout runs. */
async function anotherRelease(s: RolloutSetup) {
  await saveSandbox(s.ws, s.sandboxId, promptSpec("Another: {{ question }}"));
  const dev = await deploy(s.ws, s.sandboxId, ["development"]);
  expect(dev.status).toBe(201);
  return dev.body.releases[0].id as string;
}

/** D1's LATEST, the KV pointer and the coordinator's outbox tell the same story. */
async function expectConsistent(s: RolloutSetup, rolloutId: string) {
  const row = await rolloutRow(rolloutId);
  const latest = await latestInD1(s);
  const pointer = await pointerInKv(s);
  expect(pointer!.release_id).toBe(latest!.id);
  expect(pointer!.version).toBe(latest!.version);
  if (row.status === "running" || row.status === "paused") {
    expect(latest!.id).toBe(row.candidate_release_id);
    expect(pointer!.split).toMatchObject({ rollout_id: rolloutId, percent: row.percent, step: row.step_index });
  } else {
    expect(pointer!.split).toBeUndefined();
  }
  expect(await coordinator(s).pendingPropagation()).toEqual([]);
  return { row, latest };
}

describe("racing changes during a rollout", { timeout: QUEUE_TIMEOUT_MS }, () => {
  it.each([1, 2, 3])("an advance, an abort and a promote sent at once leave one consistent state (round %i)", async () => {
    const s = await rolloutSetup(undefined, undefined, "Racing a rollout");
    const other = await anotherRelease(s);
    const rollout = await startedRollout(s, CANARY);
    const [advance, abort, promote] = await Promise.all([
      call(`/v1/rollouts/${rollout.id}/advance`, { method: "POST", key: s.ws.adminKey }),
      call(`/v1/rollouts/${rollout.id}/abort`, { method: "POST", key: s.ws.adminKey }),
      call(`/v1/releases/${other}/promote`, { key: s.ws.adminKey, body: { environments: ["staging"] } }),
    ]);
    // The abort always lands; the advance only if it came first; the promote only once the abort had landed.
    expect(abort.status, JSON.stringify(abort.body)).toBe(200);
    expect(abort.body.status).toBe("aborted");
    if (advance.status !== 200) expectProblem(advance, 409, "ROLLOUT_ENDED");
    if (promote.status !== 201) expectProblem(promote, 409, "ROLLOUT_IN_PROGRESS");

    const { row, latest } = await expectConsistent(s, rollout.id);
    expect(row.status).toBe("aborted");
    expect(row.step_index).toBe(advance.status === 200 ? 1 : 0);
    if (promote.status === 201) {
      expect(latest!.id).toBe(promote.body.results[0].release.id);
      expect(latest!.content_hash).toBe(await contentHashOf(other));
    } else {
      expect(latest!.id).toBe(row.restored_release_id);
      expect(latest!.content_hash).toBe(await contentHashOf(s.stableId));
    }
    const actions = await auditActions(s.ws.id, "rollout.");
    expect(actions).toEqual(advance.status === 200 ? ["rollout.started", "rollout.advanced", "rollout.aborted"] : ["rollout.started", "rollout.aborted"]);
  });
});

describe("one rollout at a time", () => {
  it("refuses a second rollout, a promote, a deploy, a tag move and a plain revert into the environment, changing nothing", async () => {
    const s = await rolloutSetup(undefined, undefined, "Rollout lock");
    const other = await anotherRelease(s);
    const rollout = await startedRollout(s, CANARY);
    const before = await storageSnapshot();
    const attempts = [
      await startRollout(s, { ...CANARY, release_id: other }),
      await call(`/v1/releases/${other}/promote`, { key: s.ws.adminKey, body: { environments: ["staging"] } }),
      await deploy(s.ws, s.sandboxId, ["staging"]),
      await call("/v1/deployments/faq/release-tags/stable?environment=staging", { method: "PATCH", key: s.ws.adminKey, body: { history_item_id: s.stableId } }),
      await call("/v1/deployments/faq/revert?environment=staging", { key: s.ws.adminKey, body: {} }),
    ];
    for (const res of attempts) {
      const problem = expectProblem(res, 409, "ROLLOUT_IN_PROGRESS");
      expect(problem.detail).toContain(rollout.id);
    }
    expect(await storageSnapshot()).toEqual(before);
    // Other environments are not locked.
    expect((await deploy(s.ws, s.sandboxId, ["development"])).status).toBe(201);
  });

  it("a revert with abort_rollout aborts the rollout and restores the stable release", async () => {
    const s = await rolloutSetup(undefined, undefined, "Revert aborts");
    const rollout = await startedRollout(s, CANARY);
    const reverted = await call("/v1/deployments/faq/revert?environment=staging", { key: s.ws.adminKey, body: { abort_rollout: true } });
    expect(reverted.status, JSON.stringify(reverted.body)).toBe(201);
    const after = await getRollout(s, rollout.id);
    expect(after).toMatchObject({ status: "aborted", restored_release_id: reverted.body.release.id });
    expect(await latestInD1(s)).toMatchObject({
      id: reverted.body.release.id,
      source_type: "revert",
      source_release_id: s.stableId,
      content_hash: await contentHashOf(s.stableId),
    });
    await expectConsistent(s, rollout.id);
    expect(await auditActions(s.ws.id, "rollout.")).toEqual(["rollout.started", "rollout.aborted"]);
  });

  it("a revert with abort_rollout and a release_id restores that release instead", async () => {
    const s = await rolloutSetup(undefined, undefined, "Revert aborts to a named release");
    // A first staging release, older than the stable one, with content of its own.
    const first = await latestInD1(s);
    await saveSandbox(s.ws, s.sandboxId, promptSpec("Second: {{ question }}"));
    const second = await deploy(s.ws, s.sandboxId, ["staging"]);
    expect(second.status).toBe(201);
    s.stableId = second.body.releases[0].id;
    await saveSandbox(s.ws, s.sandboxId, promptSpec("Candidate: {{ question }}"));
    const rollout = await startedRollout(s, CANARY);
    expect(rollout.stable_release_id).toBe(s.stableId);
    const reverted = await call("/v1/deployments/faq/revert?environment=staging", { key: s.ws.adminKey, body: { abort_rollout: true, release_id: first!.id } });
    expect(reverted.status, JSON.stringify(reverted.body)).toBe(201);
    expect(await latestInD1(s)).toMatchObject({ id: reverted.body.release.id, source_release_id: first!.id, content_hash: first!.content_hash });
    expect((await getRollout(s, rollout.id)).status).toBe("aborted");
    await expectConsistent(s, rollout.id);
  });
});

describe("starting a rollout: what is refused", { timeout: QUEUE_TIMEOUT_MS }, () => {
  it.each([
    ["steps that do not increase", { steps: [{ percent: 10 }, { percent: 10 }] }, "body.steps[1].percent"],
    ["a percent on a canary", { percent: 20 }, "body.percent"],
    ["an unknown mode", { mode: "blue-green" }, "body.mode"],
    ["steps on an A/B test", { mode: "ab", steps: [{ percent: 10 }] }, "body.steps"],
    ["a guard on a shadow rollout", { mode: "shadow", guard: { min_executions: 1 } }, "body.guard"],
    ["a percent above 100", { mode: "ab", percent: 101 }, "body.percent"],
    ["an unknown release (404)", { release_id: "rel_nope" }, "body.release_id"],
  ])("%s → 400 naming the field, nothing stored", async (_, body, field) => {
    const s = await rolloutSetup(undefined, undefined, "Bad rollout bodies");
    const before = await storageSnapshot();
    const res = await startRollout(s, body);
    const problem = expectProblem(res, field === "body.release_id" ? 404 : 400);
    expect((problem.errors as { path: string }[]).map((e) => e.path)).toContain(field);
    expect(await storageSnapshot()).toEqual(before);
  });

  it("a key of another environment gets 404, a read-only key 403, and nothing changes", async () => {
    const s = await rolloutSetup(undefined, undefined, "Rollout keys");
    const stagingOnly = await s.ws.key({ environment: "staging", scopes: ["read", "promote"] });
    const readOnly = await s.ws.key({ environment: null, scopes: ["read"] });
    const before = await storageSnapshot();
    expectProblem(await startRollout(s, CANARY, "production", stagingOnly.key), 404, "NOT_FOUND");
    expectProblem(await startRollout(s, CANARY, "staging", readOnly.key), 403, "INSUFFICIENT_SCOPE");
    expect(await storageSnapshot()).toEqual(before);
  });

  it("the same content as the live release is refused", async () => {
    const s = await rolloutSetup(undefined, undefined, "Same content");
    const res = await call(`/v1/deployments/faq/rollouts?environment=staging`, { key: s.ws.adminKey, body: { release_id: s.stableId, ...CANARY } });
    expectProblem(res, 409, "RELEASE_ALREADY_LIVE");
  });

  it("with required approvals it waits as a promotion request, and another key's approval starts it", async () => {
    const s = await rolloutSetup(undefined, undefined, "Rollout approvals");
    expect((await call("/v1/environments/staging", { method: "PATCH", key: s.ws.adminKey, body: { required_approvals: 1 } })).status).toBe(200);
    const pending = await startRollout(s, CANARY);
    expect(pending.status, JSON.stringify(pending.body)).toBe(202);
    expect(pending.body.status).toBe("pending_approval");
    const request = pending.body.promotion_request;
    expect(request).toMatchObject({ status: "pending", release_id: s.originId });
    expect((await call("/v1/deployments/faq/rollouts?environment=staging", { key: s.ws.adminKey })).body.data).toEqual([]);
    expect((await latestInD1(s))!.id).toBe(s.stableId);

    const approver = await s.ws.key({ environment: "staging", scopes: ["read", "approve"] });
    const approved = await call(`/v1/promotion-requests/${request.id}/approve`, { key: approver.key, body: { comment: "go" } });
    expect(approved.status, JSON.stringify(approved.body)).toBe(201);
    expect(approved.body).toMatchObject({ status: "executed", approvals: [{ approver: approver.id }] });
    const listed = await call("/v1/deployments/faq/rollouts?environment=staging", { key: s.ws.adminKey });
    expect(listed.body.data).toHaveLength(1);
    const rollout = listed.body.data[0];
    expect(rollout).toMatchObject({ status: "running", mode: "canary", percent: 10, stable_release_id: s.stableId });
    expect(await pointerInKv(s)).toMatchObject({ release_id: rollout.candidate_release_id, split: { rollout_id: rollout.id, percent: 10 } });
    // One change, one audit event: the approval that executed the request records the rollout it started.
    const executed = await env.DB.prepare("SELECT after FROM audit_events WHERE workspace_id = ? AND action = 'promotion.executed'").bind(s.ws.id).first<{ after: string }>();
    expect(JSON.parse(executed!.after).rollout).toMatchObject({ id: rollout.id, status: "running", candidate_release_id: rollout.candidate_release_id });
  });

  it("a freeze window refuses the start, and holds a running rollout's advance until it ends", async () => {
    const s = await rolloutSetup(undefined, undefined, "Rollout freeze");
    const now = Date.now();
    const window = { starts_at: new Date(now - 3_600_000).toISOString(), ends_at: new Date(now + 3_600_000).toISOString(), reason: "Launch week" };
    expect((await call("/v1/environments/staging", { method: "PATCH", key: s.ws.adminKey, body: { freeze_windows: [window] } })).status).toBe(200);
    const before = await storageSnapshot();
    const refused = expectProblem(await startRollout(s, CANARY), 409, "CHANGE_FREEZE");
    expect(refused.detail).toContain("Launch week");
    expect(await storageSnapshot()).toEqual(before);

    expect((await call("/v1/environments/staging", { method: "PATCH", key: s.ws.adminKey, body: { freeze_windows: [] } })).status).toBe(200);
    const rollout = await startedRollout(s, CANARY);
    const subjects = subjectsByArm(await saltOf(rollout.id), 10, 1);
    for (const subject of [...subjects.candidate, ...subjects.stable]) expect((await invoke(s.ws, subject)).status).toBe(200);
    await executionsRecorded(s.ws.id, 2, `rollout_id = '${rollout.id}'`);
    expect((await call("/v1/environments/staging", { method: "PATCH", key: s.ws.adminKey, body: { freeze_windows: [window] } })).status).toBe(200);
    const t0 = Date.parse(rollout.step_started_at);
    await alarmAt(s, t0 + 120_000);
    const held = await getRollout(s, rollout.id);
    expect(held).toMatchObject({ status: "running", step: 0, percent: 10, last_judgement: { decision: "hold" } });
    expect(held.last_judgement.reason).toContain("Launch week");
    // After the window the step passes.
    await alarmAt(s, now + 3_600_000 + 1_000);
    expect(await getRollout(s, rollout.id)).toMatchObject({ status: "running", step: 1, percent: 50 });
  });

  it("a test gate refuses a candidate without a passing run", async () => {
    const s = await rolloutSetup(undefined, undefined, "Rollout test gate");
    expect((await call("/v1/environments/staging", { method: "PATCH", key: s.ws.adminKey, body: { test_gate: { min_pass_rate: 1 } } })).status).toBe(200);
    const before = await storageSnapshot();
    expectProblem(await startRollout(s, CANARY), 409, "TEST_GATE_FAILED");
    expect(await storageSnapshot()).toEqual(before);
    // A passing run on the candidate opens the gate.
    const suite = await call("/v1/test-suites", {
      key: s.ws.adminKey,
      body: { name: "faq suite", deployment: "faq", cases: [{ inputs: { question: "q" }, assertions: [{ type: "contains", value: "q" }] }] },
    });
    expect(suite.status, JSON.stringify(suite.body)).toBe(201);
    const run = await call(`/v1/test-suites/${suite.body.id}/runs`, { key: s.ws.adminKey, body: { release_id: s.originId } });
    expect(run.status, JSON.stringify(run.body)).toBe(201);
    expect((await startRollout(s, CANARY)).status).toBe(201);
  });
});

describe("pause and resume", () => {
  it("a paused rollout holds its split and is not judged; resuming starts the step over", async () => {
    const s = await rolloutSetup(undefined, undefined, "Pause");
    const rollout = await startedRollout(s, CANARY);
    const paused = await call(`/v1/rollouts/${rollout.id}/pause`, { method: "POST", key: s.ws.adminKey });
    expect(paused.body.status).toBe("paused");
    expect(await pointerInKv(s)).toMatchObject({ split: { percent: 10 } });
    await alarmAt(s, Date.now() + 3_600_000);
    expect(await getRollout(s, rollout.id)).toMatchObject({ status: "paused", step: 0, last_judgement: null });
    expectProblem(await call(`/v1/rollouts/${rollout.id}/pause`, { method: "POST", key: s.ws.adminKey }), 409, "ROLLOUT_PAUSED");
    const resumed = await call(`/v1/rollouts/${rollout.id}/resume`, { method: "POST", key: s.ws.adminKey });
    expect(resumed.body.status).toBe("running");
    expect(Date.parse(resumed.body.step_started_at)).toBeGreaterThan(Date.parse(rollout.step_started_at));
    expect(await auditActions(s.ws.id, "rollout.")).toEqual(["rollout.started", "rollout.paused", "rollout.resumed"]);
  });
});
