import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { call, createWorkspace, expectProblem, storageSnapshot } from "../harness";
import { createSandbox, deploy, deployedWorkspace, promptSpec, saveSandbox } from "../lifecycle/fixtures";

describe("promote", () => {
  it("into an environment that requires approvals records a pending request (202)", async () => {
    const ws = await createWorkspace();
    await call("/v1/environments/production", { method: "PATCH", key: ws.adminKey, body: { required_approvals: 2 } });
    const { releases, deployment } = await deployedWorkspace(ws);
    const staging = releases.find((r) => r.environment === "staging")!;
    const res = await call(`/v1/releases/${staging.id}/promote`, { key: ws.adminKey, body: { environments: ["production", "development"] } });
    expect(res.status).toBe(202);
    const [production, development] = res.body.results;
    expect(production).toMatchObject({
      environment: "production",
      status: "pending_approval",
      promotion_request: { release_id: staging.id, environment: "production", status: "pending", required_approvals: 2, approvals: [] },
    });
    expect(development).toMatchObject({ environment: "development", status: "released", release: { version: 2, source: { type: "promotion", release_id: staging.id } } });
    const count = await env.DB.prepare("SELECT COUNT(*) AS n FROM releases WHERE deployment_id = ? AND environment_id = ?")
      .bind(deployment.id, ws.environments.production!.id)
      .first<{ n: number }>();
    expect(count?.n).toBe(0);
    const listed = await call("/v1/promotion-requests?environment=production&status=pending", { key: ws.adminKey });
    expect(listed.body.data.map((p: { id: string }) => p.id)).toEqual([production.promotion_request.id]);
    expect((await call(`/v1/promotion-requests/${production.promotion_request.id}`, { key: ws.adminKey })).body.status).toBe("pending");
  });

  it("into the release's own environment is refused", async () => {
    const ws = await createWorkspace();
    const { releases } = await deployedWorkspace(ws);
    const before = await storageSnapshot();
    const res = await call(`/v1/releases/${releases[0]!.id}/promote`, { key: ws.adminKey, body: { environments: [releases[0]!.environment] } });
    expect(expectProblem(res, 400, "VALIDATION_FAILED").errors).toEqual([{ path: "body.environments[0]", message: "The release's own environment" }]);
    expect(await storageSnapshot()).toEqual(before);
  });

  it("with a stale If-Match is a 412 and changes nothing", async () => {
    const ws = await createWorkspace();
    const { releases } = await deployedWorkspace(ws);
    const staging = releases.find((r) => r.environment === "staging")!;
    const first = await call(`/v1/releases/${staging.id}/promote`, { key: ws.adminKey, body: { environments: ["production"] } });
    const live = first.body.results[0].release.id;
    const before = await storageSnapshot();
    expectProblem(
      await call(`/v1/releases/${staging.id}/promote`, { key: ws.adminKey, headers: { "if-match": '"rel_stale"' }, body: { environments: ["production"] } }),
      412,
      "PRECONDITION_FAILED",
    );
    expect(await storageSnapshot()).toEqual(before);
    expect((await call(`/v1/releases/${staging.id}/promote`, { key: ws.adminKey, headers: { "if-match": `"${live}"` }, body: { environments: ["production"] } })).status).toBe(201);
  });
});

describe("revert", () => {
  it("restores a named release of the same environment", async () => {
    const ws = await createWorkspace();
    const sandbox = await createSandbox(ws);
    const v1 = (await deploy(ws, sandbox.id, ["staging"])).body.releases[0];
    await saveSandbox(ws, sandbox.id, promptSpec("v2 {{ question }}"));
    await deploy(ws, sandbox.id, ["staging"]);
    await saveSandbox(ws, sandbox.id, promptSpec("v3 {{ question }}"));
    await deploy(ws, sandbox.id, ["staging"]);
    const res = await call(`/v1/deployments/faq/revert?environment=staging`, { key: ws.adminKey, body: { release_id: v1.id } });
    expect(res.status).toBe(201);
    expect(res.headers.get("etag")).toBe(`"${res.body.release.id}"`);
    expect(res.body.release).toMatchObject({ version: 4, content_hash: v1.content_hash, source: { type: "revert", release_id: v1.id } });
  });

  it("refuses a release of another environment, the live release, and a first release", async () => {
    const ws = await createWorkspace();
    const { releases, deployment } = await deployedWorkspace(ws);
    const dev = releases.find((r) => r.environment === "development")!;
    const staging = releases.find((r) => r.environment === "staging")!;
    const before = await storageSnapshot();
    expectProblem(await call(`/v1/deployments/${deployment.id}/revert?environment=staging`, { key: ws.adminKey, body: { release_id: dev.id } }), 404, "NOT_FOUND");
    expectProblem(await call(`/v1/deployments/${deployment.id}/revert?environment=staging`, { key: ws.adminKey, body: { release_id: staging.id } }), 409, "RELEASE_ALREADY_LIVE");
    expectProblem(await call(`/v1/deployments/${deployment.id}/revert?environment=staging`, { key: ws.adminKey, method: "POST" }), 409, "NO_PREVIOUS_RELEASE");
    expectProblem(await call(`/v1/deployments/${deployment.id}/revert?environment=production`, { key: ws.adminKey, method: "POST" }), 404, "NOT_FOUND");
    expect(await storageSnapshot()).toEqual(before);
  });

  it("with a stale If-Match is a 412", async () => {
    const ws = await createWorkspace();
    const sandbox = await createSandbox(ws);
    await deploy(ws, sandbox.id, ["staging"]);
    await deploy(ws, sandbox.id, ["staging"]);
    const before = await storageSnapshot();
    expectProblem(await call(`/v1/deployments/faq/revert?environment=staging`, { key: ws.adminKey, method: "POST", headers: { "if-match": "rel_old" } }), 412);
    expect(await storageSnapshot()).toEqual(before);
  });
});

describe("release tags", () => {
  it("semver tags are write-once, LATEST is Stagecraft's, other tags float", async () => {
    const ws = await createWorkspace();
    const sandbox = await createSandbox(ws);
    const v1 = (await deploy(ws, sandbox.id, ["staging"], { release_tags: ["v1.0.0"] })).body.releases[0];
    const v2 = (await deploy(ws, sandbox.id, ["staging"])).body.releases[0];
    const tag = (name: string, releaseId: string) =>
      call(`/v1/deployments/faq/release-tags/${name}?environment=staging`, { key: ws.adminKey, method: "PATCH", body: { history_item_id: releaseId } });

    const before = await storageSnapshot();
    expectProblem(await tag("v1.0.0", v2.id), 409, "TAG_IS_IMMUTABLE");
    expectProblem(await tag("LATEST", v1.id), 409, "TAG_IS_SYSTEM");
    expect(await storageSnapshot()).toEqual(before);

    expect((await tag("v1.0.0", v1.id)).status).toBe(200);
    expect((await tag("stable", v1.id)).body.release.id).toBe(v1.id);
    const moved = await tag("stable", v2.id);
    expect(moved.body).toMatchObject({ name: "stable", source: "USER", release: { id: v2.id } });
    expect(await env.EDGE.get(`pointer:${ws.environments.staging!.id}:${sandbox.deployment_id}:stable`, "json")).toEqual({ release_id: v2.id, version: 2 });
    expect((await call(`/v1/releases/${v2.id}`, { key: ws.adminKey })).body.tags).toEqual(["LATEST", "stable"]);
  });

  it("LATEST is refused the same way on deploy, promote (released or gated) and tag moves, naming the field", async () => {
    const ws = await createWorkspace();
    await call("/v1/environments/production", { method: "PATCH", key: ws.adminKey, body: { required_approvals: 1 } });
    const { sandbox, releases } = await deployedWorkspace(ws);
    const staging = releases.find((r) => r.environment === "staging")!;
    const before = await storageSnapshot();

    const deployed = await deploy(ws, sandbox.id, ["staging"], { release_tags: ["stable", "LATEST"] });
    expect(expectProblem(deployed, 409, "TAG_IS_SYSTEM").errors).toEqual([{ path: "body.release_tags[1]", message: "LATEST is managed by Stagecraft" }]);
    for (const target of ["development", "production"]) {
      const promoted = await call(`/v1/releases/${staging.id}/promote`, { key: ws.adminKey, body: { environments: [target], release_tags: ["LATEST"] } });
      expect(expectProblem(promoted, 409, "TAG_IS_SYSTEM").errors).toEqual([{ path: "body.release_tags[0]", message: "LATEST is managed by Stagecraft" }]);
    }
    const moved = await call(`/v1/deployments/faq/release-tags/LATEST?environment=staging`, { key: ws.adminKey, method: "PATCH", body: { history_item_id: staging.id } });
    expect(expectProblem(moved, 409, "TAG_IS_SYSTEM").errors).toEqual([{ path: "path.name", message: "LATEST is managed by Stagecraft" }]);
    expect(await storageSnapshot()).toEqual(before);
  });

  it("moves only with If-Match naming the release the tag points at now", async () => {
    const ws = await createWorkspace();
    const sandbox = await createSandbox(ws);
    const v1 = (await deploy(ws, sandbox.id, ["staging"], { release_tags: ["stable"] })).body.releases[0];
    const v2 = (await deploy(ws, sandbox.id, ["staging"])).body.releases[0];
    const path = "/v1/deployments/faq/release-tags/stable?environment=staging";
    expectProblem(await call(path, { key: ws.adminKey, method: "PATCH", headers: { "if-match": `"${v2.id}"` }, body: { history_item_id: v2.id } }), 412);
    expect((await call(path, { key: ws.adminKey, method: "PATCH", headers: { "if-match": `"${v1.id}"` }, body: { history_item_id: v2.id } })).status).toBe(200);
  });
});

describe("Idempotency-Key", () => {
  it("a replay gets the same response and creates nothing more; another body with the key is a 422", async () => {
    const ws = await createWorkspace();
    const sandbox = await createSandbox(ws);
    const send = (environments: string[]) =>
      call(`/v1/sandboxes/${sandbox.id}/deploy`, { key: ws.adminKey, headers: { "idempotency-key": "deploy-42" }, body: { deployment_name: "faq", environments } });
    const first = await send(["staging"]);
    expect(first.status).toBe(201);
    const replay = await send(["staging"]);
    expect(replay.status).toBe(201);
    expect(replay.body).toEqual(first.body);
    expect(replay.headers.get("idempotent-replayed")).toBe("true");
    const count = await env.DB.prepare("SELECT COUNT(*) AS n FROM releases WHERE deployment_id = ?").bind(sandbox.deployment_id).first<{ n: number }>();
    expect(count?.n).toBe(1);
    expectProblem(await send(["development"]), 422, "IDEMPOTENCY_KEY_REUSED");
  });

  it("concurrent requests with one key run once", async () => {
    const ws = await createWorkspace();
    const { deployment } = await deployedWorkspace(ws);
    await deploy(ws, (await call(`/v1/deployments/${deployment.id}?environment=staging`, { key: ws.adminKey })).body.sandbox_id, ["staging"]);
    const revert = () => call(`/v1/deployments/${deployment.id}/revert?environment=staging`, { key: ws.adminKey, method: "POST", headers: { "idempotency-key": "r-1" } });
    const results = await Promise.all([revert(), revert(), revert()]);
    expect(results.filter((r) => r.status === 201).length).toBeGreaterThanOrEqual(1);
    expect(results.every((r) => r.status === 201 || r.status === 409)).toBe(true);
    const versions = await env.DB.prepare("SELECT COUNT(*) AS n FROM releases WHERE deployment_id = ? AND environment_id = ?")
      .bind(deployment.id, ws.environments.staging!.id)
      .first<{ n: number }>();
    expect(versions?.n).toBe(3);
  });
});

describe("compare", () => {
  it("lists what changed field by field, with a unified diff of the templates", async () => {
    const ws = await createWorkspace();
    const sandbox = await createSandbox(ws);
    const v1 = (await deploy(ws, sandbox.id, ["staging"])).body.releases[0];
    const changed = promptSpec("Answer briefly: {{ question }}");
    changed.model = { provider: "echo", name: "echo", parameters: { temperature: 0.7, max_tokens: 100 } } as typeof changed.model;
    changed.input_variables.push({ key: "tone", type: "STRING", default: "calm" } as (typeof changed.input_variables)[number]);
    Object.assign(changed, { fallback_models: [{ provider: "echo", name: "echo-backup" }] });
    await saveSandbox(ws, sandbox.id, changed);
    const v2 = (await deploy(ws, sandbox.id, ["staging"])).body.releases[0];

    const res = await call(`/v1/releases/${v1.id}/compare?to=${v2.id}`, { key: ws.adminKey });
    expect(res.status).toBe(200);
    expect(res.body.identical).toBe(false);
    expect(res.body.changes.model).toEqual([]);
    expect(res.body.changes.parameters).toEqual([
      { key: "temperature", change: "changed", from: 0, to: 0.7 },
      { key: "max_tokens", change: "added", to: 100 },
    ]);
    expect(res.body.changes.input_variables).toEqual([{ key: "tone", change: "added", to: { key: "tone", type: "STRING", default: "calm" } }]);
    expect(res.body.changes.fallback_models).toEqual([{ index: 0, change: "added", to: { provider: "echo", name: "echo-backup" } }]);
    expect(res.body.changes.blocks).toEqual([
      { index: 1, change: "changed", from: { role: "user", template: "{{ question }}" }, to: { role: "user", template: "Answer briefly: {{ question }}" } },
    ]);
    expect(res.body.diff).toContain("-{{ question }}");
    expect(res.body.diff).toContain("+Answer briefly: {{ question }}");

    const same = await call(`/v1/releases/${v1.id}/compare?to=${v1.id}`, { key: ws.adminKey });
    expect(same.body).toMatchObject({ identical: true, changes: { blocks: [], parameters: [] } });
  });
});
