import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { DeploymentCoordinator } from "../../src/releases/deployment-coordinator";
import { call, createWorkspace, expectProblem, storageSnapshot, type TestWorkspace } from "../harness";
import { createSandbox, deploy } from "./fixtures";

describe("multi-environment deploys are all-or-nothing", () => {
  it("a target the key may not deploy to refuses the whole deploy", async () => {
    const ws = await createWorkspace();
    const sandbox = await createSandbox(ws);
    const devOnly = await ws.key({ environment: "development", scopes: ["deploy"] });
    const readOnly = await ws.key({ environment: null, scopes: ["read"] });
    const ci = await ws.key({ environment: null, scopes: ["read", "deploy"] });
    const before = await storageSnapshot();
    // An environment key deploys only to its own environment: staging does not exist for it.
    expectProblem(await deploy(ws, sandbox.id, ["development", "staging"], {}, devOnly.key), 404, "NOT_FOUND");
    expect(await storageSnapshot()).toEqual(before);
    expectProblem(await deploy(ws, sandbox.id, ["development", "staging"], {}, readOnly.key), 403, "INSUFFICIENT_SCOPE");
    expect(await storageSnapshot()).toEqual(before);
    expect((await deploy(ws, sandbox.id, ["development", "staging"], {}, ci.key)).status).toBe(201);
  });

  it("an unknown environment among the targets creates nothing anywhere", async () => {
    const ws = await createWorkspace();
    const sandbox = await createSandbox(ws);
    const before = await storageSnapshot();
    const res = await deploy(ws, sandbox.id, ["development", "nowhere", "staging"]);
    expect(expectProblem(res, 404, "NOT_FOUND").errors).toEqual([{ path: "body.environments[1]", message: "Unknown environment" }]);
    expect(await storageSnapshot()).toEqual(before);
  });

  it("a semver tag that cannot move in one target fails the deploy in every target", async () => {
    const ws = await createWorkspace();
    const sandbox = await createSandbox(ws);
    expect((await deploy(ws, sandbox.id, ["staging"], { release_tags: ["v1.0.0"] })).status).toBe(201);
    const before = await storageSnapshot();
    expectProblem(await deploy(ws, sandbox.id, ["development", "staging"], { release_tags: ["v1.0.0"] }), 409, "TAG_IS_IMMUTABLE");
    expect(await storageSnapshot()).toEqual(before);
  });

  it("a protected environment takes releases only by promotion", async () => {
    const ws = await createWorkspace();
    const sandbox = await createSandbox(ws);
    const before = await storageSnapshot();
    expectProblem(await deploy(ws, sandbox.id, ["staging", "production"]), 409, "ENVIRONMENT_PROTECTED");
    expect(await storageSnapshot()).toEqual(before);
  });
});

describe("the KV outbox", () => {
  it("a copy writes the pointers and only the snapshots KV lacks, never a name or snapshot again (KV takes one write per second per key)", async () => {
    const ws = await createWorkspace();
    const sandbox = await createSandbox(ws);
    await deploy(ws, sandbox.id, ["staging"]);
    await deploy(ws, sandbox.id, ["staging"]);
    const stub = env.DEPLOYMENT_COORDINATOR.get(env.DEPLOYMENT_COORDINATOR.idFromName(`${ws.id}:${sandbox.deployment_id}`));
    const written: string[] = [];
    await runInDurableObject(stub, (coordinator: DeploymentCoordinator) => {
      const real = coordinator.edge;
      coordinator.edge = new Proxy(real, {
        get: (target, prop) =>
          prop === "put"
            ? (key: string, ...rest: [string]) => {
                written.push(key);
                return target.put(key, ...rest);
              }
            : Reflect.get(target, prop).bind(target),
      });
    });
    const staging = ws.environments.staging!;
    const reverted = await callRevert(ws, sandbox.deployment_id);
    await runInDurableObject(stub, (coordinator: DeploymentCoordinator) => {
      coordinator.edge = env.EDGE;
    });
    expect(written.sort()).toEqual([`pointer:${staging.id}:${sandbox.deployment_id}:LATEST`, `release:${reverted}`].sort());
  });

  it("repairs a KV write that failed after the durable commit", async () => {
    const ws = await createWorkspace();
    const sandbox = await createSandbox(ws);
    const stub = env.DEPLOYMENT_COORDINATOR.get(env.DEPLOYMENT_COORDINATOR.idFromName(`${ws.id}:${sandbox.deployment_id}`));
    const staging = ws.environments.staging!;
    const pointerKey = `pointer:${staging.id}:${sandbox.deployment_id}:LATEST`;

    // KV refuses every write: the commit to D1 must still stand.
    await runInDurableObject(stub, (coordinator: DeploymentCoordinator) => {
      const real = coordinator.edge;
      coordinator.edge = new Proxy(real, {
        get: (target, prop) => (prop === "put" ? () => Promise.reject(new Error("KV is down")) : Reflect.get(target, prop).bind(target)),
      });
    });
    const deployed = await deploy(ws, sandbox.id, ["staging"]);
    expect(deployed.status).toBe(201);
    const releaseId = deployed.body.releases[0].id;
    expect(await env.DB.prepare("SELECT id FROM releases WHERE id = ?").bind(releaseId).first()).not.toBeNull();
    expect(await env.EDGE.get(pointerKey)).toBeNull();
    expect(await stub.pendingPropagation()).toEqual([staging.id]);

    // KV recovers; the alarm the outbox armed copies what D1 holds.
    await runInDurableObject(stub, (coordinator: DeploymentCoordinator) => {
      coordinator.edge = env.EDGE;
    });
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    expect(await env.EDGE.get(pointerKey, "json")).toEqual({ release_id: releaseId, version: 1 });
    expect(await env.EDGE.get(`release:${releaseId}`, "json")).toMatchObject({ id: releaseId, deployment_name: "faq", version: 1 });
    expect(await stub.pendingPropagation()).toEqual([]);
  });
});

/** Reverts staging and returns the new release's id. */
async function callRevert(ws: TestWorkspace, deploymentId: string): Promise<string> {
  const res = await call(`/v1/deployments/${deploymentId}/revert?environment=staging`, { key: ws.adminKey, method: "POST" });
  expect(res.status).toBe(201);
  return res.body.release.id;
}
