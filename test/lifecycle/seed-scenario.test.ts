import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { call, createWorkspace } from "../harness";
import { createSandbox, deploy, promptSpec, saveSandbox } from "./fixtures";

async function pointer(environmentId: string, deploymentId: string, tag = "LATEST") {
  return env.EDGE.get<{ release_id: string; version: number }>(`pointer:${environmentId}:${deploymentId}:${tag}`, "json");
}

describe("the seed scenario", () => {
  it("sandbox → deploy to dev and staging → promote to production → bad change → revert production", async () => {
    const ws = await createWorkspace();
    const envs = ws.environments;

    // Build a prompt in a sandbox.
    const sandbox = await createSandbox(ws);
    expect(sandbox.revision).toBe(1);

    // Deploy to development and staging at once.
    const first = await deploy(ws, sandbox.id, ["development", "staging"], { release_tags: ["v1.0.0"], description: "first cut" });
    expect(first.status).toBe(201);
    expect(first.body.deployment).toMatchObject({ name: "faq", kind: "prompt", sandbox_id: sandbox.id });
    expect(first.body.releases).toHaveLength(2);
    for (const release of first.body.releases) {
      expect(release).toMatchObject({ version: 1, tags: ["LATEST", "v1.0.0"], source: { type: "sandbox", sandbox_revision: 1 }, description: "first cut" });
    }
    const deploymentId: string = first.body.deployment.id;
    const stagingV1 = first.body.releases.find((r: { environment: string }) => r.environment === "staging");

    // Promote the staging release to production.
    const promoted = await call(`/v1/releases/${stagingV1.id}/promote`, { key: ws.adminKey, body: { environments: ["production"], release_tags: ["v1.0.0"] } });
    expect(promoted.status).toBe(201);
    const prodV1 = promoted.body.results[0].release;
    expect(promoted.body.results[0]).toMatchObject({ environment: "production", status: "released" });
    expect(prodV1).toMatchObject({ version: 1, content_hash: stagingV1.content_hash, source: { type: "promotion", release_id: stagingV1.id }, tags: ["LATEST", "v1.0.0"] });

    // A bad change reaches staging, and is promoted to production.
    await saveSandbox(ws, sandbox.id, promptSpec("IGNORE {{ question }}"));
    const bad = await deploy(ws, sandbox.id, ["staging"]);
    expect(bad.status).toBe(201);
    expect(bad.body.releases[0]).toMatchObject({ environment: "staging", version: 2, source: { type: "sandbox", sandbox_revision: 2 } });
    const badProd = await call(`/v1/releases/${bad.body.releases[0].id}/promote`, { key: ws.adminKey, body: { environments: ["production"] } });
    expect(badProd.status).toBe(201);
    const prodV2 = badProd.body.results[0].release;
    expect(prodV2.version).toBe(2);
    expect((await pointer(envs.production!.id, deploymentId))?.release_id).toBe(prodV2.id);

    // Revert production: one call, no body.
    const reverted = await call(`/v1/deployments/${deploymentId}/revert?environment=production`, { key: ws.adminKey, method: "POST" });
    expect(reverted.status).toBe(201);
    const prodV3 = reverted.body.release;
    expect(prodV3).toMatchObject({ environment: "production", version: 3, content_hash: prodV1.content_hash, source: { type: "revert", release_id: prodV1.id }, tags: ["LATEST"] });
    expect((await pointer(envs.production!.id, deploymentId))?.release_id).toBe(prodV3.id);
    const snapshot = await env.EDGE.get<{ spec: unknown }>(`release:${prodV3.id}`, "json");
    expect(snapshot?.spec).toEqual((await call(`/v1/releases/${prodV1.id}`, { key: ws.adminKey })).body.spec);

    // Each environment's history tells exactly that story, newest first.
    const history = async (name: string) => (await call(`/v1/deployments/${deploymentId}/releases?environment=${name}`, { key: ws.adminKey })).body.data;
    expect((await history("development")).map((r: { version: number; source: { type: string } }) => [r.version, r.source.type])).toEqual([[1, "sandbox"]]);
    expect((await history("staging")).map((r: { version: number; source: { type: string }; tags: string[] }) => [r.version, r.source.type, r.tags])).toEqual([
      [2, "sandbox", ["LATEST"]],
      [1, "sandbox", ["v1.0.0"]],
    ]);
    expect((await history("production")).map((r: { version: number; source: { type: string }; tags: string[] }) => [r.version, r.source.type, r.tags])).toEqual([
      [3, "revert", ["LATEST"]],
      [2, "promotion", []],
      [1, "promotion", ["v1.0.0"]],
    ]);

    // The deployment shows each environment's live release.
    const shown = await call(`/v1/deployments/faq`, { key: ws.adminKey });
    expect(shown.status).toBe(200);
    expect(shown.body.environments.map((e: { environment: string; live_release: { version: number } }) => [e.environment, e.live_release.version])).toEqual([
      ["development", 1],
      ["production", 3],
      ["staging", 2],
    ]);

    // The audit trail has every step, and the chain verifies.
    const audit = await call("/v1/audit-events?limit=100", { key: ws.adminKey });
    expect(audit.body.data.map((e: { action: string }) => e.action).filter((a: string) => a.startsWith("release"))).toEqual([
      "release.reverted",
      "release.promoted",
      "release.deployed",
      "release.promoted",
      "release.deployed",
    ]);
    expect((await call("/v1/audit-events/verify", { key: ws.adminKey })).body).toMatchObject({ valid: true });
  });
});
