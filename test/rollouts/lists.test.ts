import { describe, expect, it } from "vitest";
import { call, expectProblem } from "../harness";
import { rolloutSetup, startedRollout } from "./fixtures";

describe("lists of rollouts and scheduled releases", () => {
  it("pages a deployment's rollouts newest first with a cursor bound to its filters", async () => {
    const s = await rolloutSetup();
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const rollout = await startedRollout(s, { mode: "ab", percent: 50 });
      ids.push(rollout.id);
      expect((await call(`/v1/rollouts/${rollout.id}/abort`, { key: s.ws.adminKey, method: "POST" })).status).toBe(200);
    }
    const first = await call("/v1/deployments/faq/rollouts?environment=staging&limit=2", { key: s.ws.adminKey });
    expect(first.status).toBe(200);
    expect(first.body.data.map((r: { id: string }) => r.id)).toEqual([ids[2], ids[1]]);
    expect(first.body.next_cursor).toEqual(expect.any(String));
    const second = await call(`/v1/deployments/faq/rollouts?environment=staging&limit=2&cursor=${first.body.next_cursor}`, { key: s.ws.adminKey });
    expect(second.body.data.map((r: { id: string }) => r.id)).toEqual([ids[0]]);
    expect(second.body.next_cursor).toBeNull();
    // The same cursor under another filter names a position in another list.
    const other = await call(`/v1/deployments/faq/rollouts?environment=development&limit=2&cursor=${first.body.next_cursor}`, { key: s.ws.adminKey });
    expect(expectProblem(other, 400, "VALIDATION_FAILED").errors).toEqual([expect.objectContaining({ path: "query.cursor" })]);
  });

  it("pages scheduled releases, and filters them by status", async () => {
    const s = await rolloutSetup();
    const at = new Date(Date.now() + 86_400_000).toISOString();
    const scheduled: string[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await call(`/v1/releases/${s.originId}/promote`, { key: s.ws.adminKey, body: { environments: ["staging"], scheduled_at: at } });
      expect(res.status, JSON.stringify(res.body)).toBe(202);
      scheduled.push(res.body.results[0].scheduled_release.id);
    }
    expect((await call(`/v1/scheduled-releases/${scheduled[0]}/cancel`, { key: s.ws.adminKey, method: "POST" })).status).toBe(200);
    const first = await call("/v1/scheduled-releases?limit=2", { key: s.ws.adminKey });
    expect(first.body.data.map((r: { id: string }) => r.id)).toEqual([scheduled[2], scheduled[1]]);
    const second = await call(`/v1/scheduled-releases?limit=2&cursor=${first.body.next_cursor}`, { key: s.ws.adminKey });
    expect(second.body.data.map((r: { id: string; status: string }) => [r.id, r.status])).toEqual([[scheduled[0], "cancelled"]]);
    const waiting = await call("/v1/scheduled-releases?status=scheduled", { key: s.ws.adminKey });
    expect(waiting.body.data.map((r: { id: string }) => r.id)).toEqual([scheduled[2], scheduled[1]]);
    expect(waiting.body.next_cursor).toBeNull();
  });
});
