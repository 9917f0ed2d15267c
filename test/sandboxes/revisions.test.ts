import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { call, createWorkspace, expectProblem, storageSnapshot } from "../harness";
import { createSandbox, promptSpec } from "../lifecycle/fixtures";

const auditCount = async (workspaceId: string) => env.DB.prepare("SELECT COUNT(*) AS n FROM audit_events WHERE workspace_id = ?").bind(workspaceId).first<number>("n");

describe("revisions of sandboxes and test suites", () => {
  it("a stale If-Match on a sandbox or a test suite is a 412 that speaks of revisions, not releases", async () => {
    const ws = await createWorkspace();
    const sandbox = await createSandbox(ws);
    await call(`/v1/sandboxes/${sandbox.id}`, { method: "PATCH", key: ws.adminKey, body: { name: "faq-2" } });
    const suite = await call("/v1/test-suites", { key: ws.adminKey, body: { name: "suite", cases: [] } });
    await call(`/v1/test-suites/${suite.body.id}`, { method: "PATCH", key: ws.adminKey, body: { name: "suite-2" } });
    const before = await storageSnapshot();
    const stale = [
      await call(`/v1/sandboxes/${sandbox.id}`, { method: "PATCH", key: ws.adminKey, headers: { "if-match": '"1"' }, body: { name: "faq-3" } }),
      await call(`/v1/test-suites/${suite.body.id}`, { method: "PATCH", key: ws.adminKey, headers: { "if-match": '"1"' }, body: { name: "suite-3" } }),
    ];
    const [sandboxProblem, suiteProblem] = stale.map((res) => expectProblem(res, 412, "STALE_REVISION"));
    for (const problem of [sandboxProblem!, suiteProblem!]) {
      expect(problem.title).toBe("If-Match does not name the current revision");
      expect(problem.errors).toEqual([{ path: "header.if-match", message: "Not the current revision (2)" }]);
    }
    expect(sandboxProblem!.detail).toBe("If-Match names revision 1, but the sandbox is at revision 2; read it again and reapply your change");
    expect(suiteProblem!.detail).toBe("If-Match names revision 1, but the test suite is at revision 2; read it again and reapply your change");
    expect(await storageSnapshot()).toEqual(before);
  });

  it("a sandbox PATCH that changes nothing answers 200 with the current revision and writes nothing", async () => {
    const ws = await createWorkspace();
    const sandbox = await createSandbox(ws);
    const current = await call(`/v1/sandboxes/${sandbox.id}`, { key: ws.adminKey });
    const before = await storageSnapshot();
    const audits = await auditCount(ws.id);
    for (const body of [{}, { name: "faq" }, { spec: promptSpec(), scenarios: [] }, { name: "faq", spec: current.body.spec }]) {
      const res = await call(`/v1/sandboxes/${sandbox.id}`, { method: "PATCH", key: ws.adminKey, headers: { "if-match": '"1"' }, body });
      expect(res.status).toBe(200);
      expect(res.body).toEqual(current.body);
      expect(res.headers.get("etag")).toBe('"1"');
    }
    expect(await auditCount(ws.id)).toBe(audits);
    expect(await storageSnapshot()).toEqual(before);
    // A real change still makes a revision.
    expect((await call(`/v1/sandboxes/${sandbox.id}`, { method: "PATCH", key: ws.adminKey, body: { name: "faq-2" } })).body.revision).toBe(2);
  });

  it("a test suite PATCH that changes nothing answers 200 with the current revision and writes nothing", async () => {
    const ws = await createWorkspace();
    const created = await call("/v1/test-suites", {
      key: ws.adminKey,
      body: { name: "suite", description: "d", cases: [{ id: "case-1", name: "first", inputs: { text: "hi" }, assertions: [{ type: "exact_match", value: "hi" }] }] },
    });
    expect(created.status).toBe(201);
    const before = await storageSnapshot();
    const audits = await auditCount(ws.id);
    for (const body of [{ name: "suite" }, { description: "d", cases: created.body.cases }]) {
      const res = await call(`/v1/test-suites/${created.body.id}`, { method: "PATCH", key: ws.adminKey, body });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body).toEqual(created.body);
    }
    expect(await auditCount(ws.id)).toBe(audits);
    expect(await storageSnapshot()).toEqual(before);
  });
});
