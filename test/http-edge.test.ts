import { beforeAll, describe, expect, it } from "vitest";
import { call, createWorkspace, expectProblem, storageSnapshot, type TestWorkspace } from "./harness";
import { deployedWorkspace } from "./lifecycle/fixtures";

let ws: TestWorkspace;
let deploymentId: string;

beforeAll(async () => {
  ws = await createWorkspace();
  const { deployment, sandbox } = await deployedWorkspace(ws);
  deploymentId = deployment.id;
  // A second release in staging, so there is one to revert to.
  await call(`/v1/sandboxes/${sandbox.id}/deploy`, { key: ws.adminKey, body: { deployment_name: "faq", environments: ["staging"] } });
  await ws.key({ environment: "staging", scopes: ["read"], name: "one" });
  await ws.key({ environment: "staging", scopes: ["read"], name: "two" });
});

async function unchangedAfter(send: () => ReturnType<typeof call>) {
  const before = await storageSnapshot();
  const res = await send();
  expect(await storageSnapshot()).toEqual(before);
  return res;
}

function paths(problem: Record<string, unknown>) {
  return ((problem.errors ?? []) as { path: string }[]).map((e) => e.path);
}

describe("optional bodies", () => {
  it("an empty body sent as application/json is read as {} (revert with defaults)", async () => {
    const res = await call(`/v1/deployments/${deploymentId}/revert?environment=staging`, {
      key: ws.adminKey,
      method: "POST",
      rawBody: "",
      headers: { "content-type": "application/json" },
    });
    expect(res.status).toBe(201);
    expect(res.body.release).toMatchObject({ environment: "staging", source: { type: "revert" } });
  });

  it("a malformed body is still malformed where the body is optional", async () => {
    const res = await unchangedAfter(() =>
      call(`/v1/deployments/${deploymentId}/revert?environment=staging`, { key: ws.adminKey, method: "POST", rawBody: "{", headers: { "content-type": "application/json" } }),
    );
    expectProblem(res, 400, "MALFORMED_JSON");
  });
});

describe("Idempotency-Key where it is not supported", () => {
  it("POST /v1/webhooks refuses it, saying the signing secret is not stored for replay, and creates nothing", async () => {
    const res = await unchangedAfter(() =>
      call("/v1/webhooks?environment=staging", { key: ws.adminKey, body: { url: "https://hooks.test/x" }, headers: { "idempotency-key": "hook-1" } }),
    );
    const problem = expectProblem(res, 400, "VALIDATION_FAILED");
    expect(paths(problem)).toEqual(["header.idempotency-key"]);
    expect(problem.detail).toMatch(/secret/);
  });

  it("any other route without Idempotency-Key support answers 400 naming the header", async () => {
    const res = await unchangedAfter(() => call("/v1/environments", { key: ws.adminKey, body: { name: "qa" }, headers: { "idempotency-key": "env-1" } }));
    expect(paths(expectProblem(res, 400, "VALIDATION_FAILED"))).toEqual(["header.idempotency-key"]);
  });

  it("a read ignores it: repeating a GET changes nothing anyway", async () => {
    const res = await call("/v1/environments", { key: ws.adminKey, headers: { "idempotency-key": "list-1" } });
    expect(res.status).toBe(200);
  });

  it("routes that support it still accept it", async () => {
    const res = await call(`/v1/deployments/${deploymentId}/revert?environment=staging`, { key: ws.adminKey, method: "POST", headers: { "idempotency-key": "rev-ok" } });
    expect(res.status).toBe(201);
  });
});

describe("authentication headers", () => {
  it("a key in Authorization without the Bearer scheme is a 401 that says how to send it", async () => {
    const res = await call("/v1/environments", { headers: { authorization: ws.adminKey } });
    const problem = expectProblem(res, 401, "UNAUTHENTICATED");
    expect(problem.detail).toContain("Authorization: Bearer <key>");
    expect(problem.detail).toMatch(/Bearer scheme/);
    expect(problem.errors).toEqual([{ path: "header.authorization", message: "Use `Authorization: Bearer <key>`" }]);
  });

  it("different keys in Authorization and X-API-KEY are refused, naming both headers", async () => {
    const other = await ws.key({ environment: "staging", scopes: ["read"] });
    const res = await unchangedAfter(() => call("/v1/environments", { headers: { authorization: `Bearer ${ws.adminKey}`, "x-api-key": other.key } }));
    expect(paths(expectProblem(res, 401, "UNAUTHENTICATED")).sort()).toEqual(["header.authorization", "header.x-api-key"]);
  });

  it("the same key in both headers is accepted", async () => {
    const res = await call("/v1/environments", { headers: { authorization: `Bearer ${ws.adminKey}`, "x-api-key": ws.adminKey } });
    expect(res.status).toBe(200);
  });
});

describe("methods a path does not have", () => {
  it("PUT /v1/environments → 405 with Allow listing the path's methods", async () => {
    const res = await call("/v1/environments", { key: ws.adminKey, method: "PUT", body: { name: "qa" } });
    expectProblem(res, 405, "METHOD_NOT_ALLOWED");
    expect(res.headers.get("allow")).toBe("GET, HEAD, POST");
  });

  it("POST /v1/environments/{name} → 405 with Allow: DELETE, GET, HEAD, PATCH", async () => {
    const res = await unchangedAfter(() => call("/v1/environments/staging", { key: ws.adminKey, body: {} }));
    expectProblem(res, 405, "METHOD_NOT_ALLOWED");
    expect(res.headers.get("allow")).toBe("DELETE, GET, HEAD, PATCH");
  });

  it("a path no route has is still a 404", async () => {
    expectProblem(await call("/v1/nothing-here", { key: ws.adminKey, method: "PUT" }), 404, "NOT_FOUND");
  });
});

describe("unknown query parameters", () => {
  it.each([
    ["GET", "/v1/environments?bogus=1", "query.bogus"],
    ["GET", "/v1/executions?environment=staging&deployment_id=x", "query.deployment_id"],
    ["GET", "/v1/audit-events?actor=me", "query.actor"],
    ["GET", "/v1/environments/staging?expand=all", "query.expand"],
    ["POST", "/v1/deployments/faq/revert?environment=staging&force=1", "query.force"],
  ])("%s %s → 400 naming %s, nothing changed", async (method, path, field) => {
    const res = await unchangedAfter(() => call(path, { key: ws.adminKey, method }));
    expect(paths(expectProblem(res, 400, "VALIDATION_FAILED"))).toEqual([field]);
  });

  it("Vellum's status filter on the deployment lists is declared and accepted", async () => {
    const active = await call("/v1/deployments?environment=staging&status=ACTIVE", { key: ws.adminKey });
    expect(active.status).toBe(200);
    expect(active.body.results.map((d: { name: string }) => d.name)).toEqual(["faq"]);
    const archived = await call("/v1/deployments?environment=staging&status=ARCHIVED", { key: ws.adminKey });
    expect(archived.body).toEqual({ count: 0, next: null, previous: null, results: [] });
  });

  it("everything the route declares is still accepted", async () => {
    const res = await call("/v1/executions?environment=staging&limit=5&deployment=faq&status=FULFILLED&from=2020-01-01T00:00:00Z&to=2030-01-01T00:00:00Z", {
      key: ws.adminKey,
    });
    expect(res.status).toBe(200);
  });
});

describe("filters that cannot match", () => {
  it("an unknown deployment on /v1/executions → 404 naming query.deployment", async () => {
    const problem = expectProblem(await call("/v1/executions?environment=staging&deployment=nope", { key: ws.adminKey }), 404, "NOT_FOUND");
    expect(paths(problem)).toEqual(["query.deployment"]);
  });

  it("from after to on /v1/executions → 400 naming query.from", async () => {
    const res = await call("/v1/executions?environment=staging&from=2030-01-02T00:00:00Z&to=2030-01-01T00:00:00Z", { key: ws.adminKey });
    expect(paths(expectProblem(res, 400, "VALIDATION_FAILED"))).toEqual(["query.from"]);
  });

  it("an unknown audit action → 400 listing the known ones", async () => {
    const problem = expectProblem(await call("/v1/audit-events?action=api_key.exploded", { key: ws.adminKey }), 400, "VALIDATION_FAILED");
    expect(paths(problem)).toEqual(["query.action"]);
    const [issue] = problem.errors as { message: string }[];
    for (const known of ["api_key.created", "release.promoted", "webhook.deleted"]) expect(issue!.message).toContain(known);
  });

  it("a known audit action still filters", async () => {
    const res = await call("/v1/audit-events?action=api_key.created", { key: ws.adminKey });
    expect(res.status).toBe(200);
    expect(res.body.data.length).toBeGreaterThan(0);
    expect(res.body.data.every((e: { action: string }) => e.action === "api_key.created")).toBe(true);
  });
});

describe("cursors belong to one list", () => {
  it("a cursor of /v1/api-keys is refused by /v1/sandboxes and /v1/webhooks", async () => {
    const page = await call("/v1/api-keys?limit=1", { key: ws.adminKey });
    const cursor = page.body.next_cursor as string;
    expect(cursor).toEqual(expect.any(String));
    for (const path of [`/v1/sandboxes?cursor=${cursor}`, `/v1/webhooks?environment=staging&cursor=${cursor}`]) {
      expect(paths(expectProblem(await call(path, { key: ws.adminKey }), 400, "VALIDATION_FAILED"))).toEqual(["query.cursor"]);
    }
    expect((await call(`/v1/api-keys?limit=1&cursor=${cursor}`, { key: ws.adminKey })).status).toBe(200);
  });

  it("a cursor is refused under other filters of the same list, and accepted with another limit", async () => {
    const page = await call("/v1/audit-events?limit=1&action=api_key.created", { key: ws.adminKey });
    const cursor = page.body.next_cursor as string;
    expect(cursor).toEqual(expect.any(String));
    const other = await call(`/v1/audit-events?limit=1&cursor=${cursor}`, { key: ws.adminKey });
    expect(paths(expectProblem(other, 400, "VALIDATION_FAILED"))).toEqual(["query.cursor"]);
    const next = await call(`/v1/audit-events?limit=5&action=api_key.created&cursor=${cursor}`, { key: ws.adminKey });
    expect(next.status).toBe(200);
    expect(next.body.data.every((e: { action: string }) => e.action === "api_key.created")).toBe(true);
  });
});
