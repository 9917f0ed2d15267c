import { describe, expect, it } from "vitest";
import { call, expectProblem, storageSnapshot } from "../harness";
import { alarmAt, auditActions, contentHashOf, getRollout, latestInD1, pointerInKv, QUEUE_TIMEOUT_MS, type RolloutSetup, rolloutSetup } from "./fixtures";

const HOUR = 3_600_000;

/** Schedules the promotion of the development candidate into staging at `at`. */
function schedulePromotion(s: RolloutSetup, at: number) {
  return call(`/v1/releases/${s.originId}/promote`, { key: s.ws.adminKey, body: { environments: ["staging"], scheduled_at: new Date(at).toISOString() } });
}

async function scheduled(s: RolloutSetup, at: number) {
  const res = await schedulePromotion(s, at);
  expect(res.status, JSON.stringify(res.body)).toBe(202);
  expect(res.body.results[0]).toMatchObject({ environment: "staging", status: "scheduled", scheduled_release: { status: "scheduled", kind: "promotion", release_id: s.originId } });
  return res.body.results[0].scheduled_release as { id: string; scheduled_at: string };
}

function getScheduled(s: RolloutSetup, id: string) {
  return call(`/v1/scheduled-releases/${id}`, { key: s.ws.adminKey });
}

describe("scheduled releases", { timeout: QUEUE_TIMEOUT_MS }, () => {
  it("a promotion scheduled for later changes nothing until the coordinator's clock passes its time, then lands", async () => {
    const s = await rolloutSetup(undefined, undefined, "Scheduled promotion");
    const at = Date.now() + HOUR;
    const schedule = await scheduled(s, at);
    expect(schedule.scheduled_at).toBe(new Date(at).toISOString());

    // Before its time the alarm fires nothing.
    await alarmAt(s, at - 60_000);
    expect((await getScheduled(s, schedule.id)).body).toMatchObject({ status: "scheduled", result: null });
    expect((await latestInD1(s))!.id).toBe(s.stableId);

    await alarmAt(s, at + 1_000);
    const fired = (await getScheduled(s, schedule.id)).body;
    expect(fired.status).toBe("executed");
    const latest = await latestInD1(s);
    expect(fired.result).toEqual({ release_ids: [latest!.id], promotion_request_ids: [], rollout_ids: [] });
    expect(latest).toMatchObject({ source_type: "promotion", source_release_id: s.originId, content_hash: await contentHashOf(s.originId) });
    expect(await pointerInKv(s)).toEqual({ release_id: latest!.id, version: latest!.version });
    const listed = await call("/v1/scheduled-releases?environment=staging&status=executed", { key: s.ws.adminKey });
    expect(listed.body.data.map((r: { id: string }) => r.id)).toEqual([schedule.id]);
    const actions = await auditActions(s.ws.id);
    expect(actions).toContain("scheduled_release.created");
    expect(actions.at(-1)).toBe("release.promoted");
  });

  it("a schedule whose environment was frozen before it fired is refused, with the reason", async () => {
    const s = await rolloutSetup(undefined, undefined, "Scheduled into a freeze");
    const at = Date.now() + HOUR;
    const schedule = await scheduled(s, at);
    const window = { starts_at: new Date(at - HOUR / 2).toISOString(), ends_at: new Date(at + HOUR).toISOString(), reason: "Quarter close" };
    expect((await call("/v1/environments/staging", { method: "PATCH", key: s.ws.adminKey, body: { freeze_windows: [window] } })).status).toBe(200);
    await alarmAt(s, at + 1_000);
    const refused = (await getScheduled(s, schedule.id)).body;
    expect(refused.status).toBe("refused");
    expect(refused.result.code).toBe("CHANGE_FREEZE");
    expect(refused.result.detail).toContain("Quarter close");
    expect((await latestInD1(s))!.id).toBe(s.stableId);
  });

  it("a cancelled schedule never fires", async () => {
    const s = await rolloutSetup(undefined, undefined, "Cancelled schedule");
    const at = Date.now() + HOUR;
    const schedule = await scheduled(s, at);
    const cancelled = await call(`/v1/scheduled-releases/${schedule.id}/cancel`, { method: "POST", key: s.ws.adminKey });
    expect(cancelled.status, JSON.stringify(cancelled.body)).toBe(200);
    expect(cancelled.body.status).toBe("cancelled");
    expectProblem(await call(`/v1/scheduled-releases/${schedule.id}/cancel`, { method: "POST", key: s.ws.adminKey }), 409, "SCHEDULED_RELEASE_CLOSED");
    const before = await storageSnapshot();
    await alarmAt(s, at + 1_000);
    expect(await storageSnapshot()).toEqual(before);
    expect((await getScheduled(s, schedule.id)).body.status).toBe("cancelled");
    expect((await latestInD1(s))!.id).toBe(s.stableId);
    expect(await auditActions(s.ws.id, "scheduled_release.")).toEqual(["scheduled_release.created", "scheduled_release.cancelled"]);
  });

  it("a time in the past is a 400 naming body.scheduled_at, and nothing is stored", async () => {
    const s = await rolloutSetup(undefined, undefined, "Scheduled in the past");
    const before = await storageSnapshot();
    const problem = expectProblem(await schedulePromotion(s, Date.now() - 60_000), 400);
    expect((problem.errors as { path: string }[]).map((e) => e.path)).toEqual(["body.scheduled_at"]);
    const rollout = await call("/v1/deployments/faq/rollouts?environment=staging", {
      key: s.ws.adminKey,
      body: { release_id: s.originId, scheduled_at: new Date(Date.now() - 60_000).toISOString() },
    });
    expect((expectProblem(rollout, 400).errors as { path: string }[]).map((e) => e.path)).toEqual(["body.scheduled_at"]);
    expect(await storageSnapshot()).toEqual(before);
  });

  it("a scheduled rollout starts when it fires, and its result names the rollout", async () => {
    const s = await rolloutSetup(undefined, undefined, "Scheduled rollout");
    const at = Date.now() + HOUR;
    const res = await call("/v1/deployments/faq/rollouts?environment=staging", {
      key: s.ws.adminKey,
      body: { release_id: s.originId, mode: "ab", percent: 20, scheduled_at: new Date(at).toISOString() },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    expect(res.body).toMatchObject({ status: "scheduled", scheduled_release: { kind: "rollout", rollout: { mode: "ab" } } });
    expect((await call("/v1/deployments/faq/rollouts?environment=staging", { key: s.ws.adminKey })).body.data).toEqual([]);
    await alarmAt(s, at + 1_000);
    const fired = (await getScheduled(s, res.body.scheduled_release.id)).body;
    expect(fired.status).toBe("executed");
    expect(fired.result.rollout_ids).toHaveLength(1);
    const rollout = await getRollout(s, fired.result.rollout_ids[0]);
    expect(rollout).toMatchObject({ status: "running", mode: "ab", percent: 20, stable_release_id: s.stableId });
    expect(await pointerInKv(s)).toMatchObject({ split: { rollout_id: rollout.id, percent: 20 } });
  });
});
