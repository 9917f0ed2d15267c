import { env } from "cloudflare:workers";
import { expect, it } from "vitest";
import { call, createWorkspace } from "../harness";
import { deploy, deployedWorkspace } from "./fixtures";

// It asserts what 50 concurrent commands leave behind, not how fast they run: a busy machine needs more than the default 5 s.
// Fifty serialized changes can take several seconds on a busy machine; the default 5 s is too tight.
it("50 promotes, reverts and tag moves at once: numbers 1..N, and D1, KV and the coordinator agree", { timeout: 30_000 }, async () => {
  const ws = await createWorkspace();
  const { sandbox, deployment, releases } = await deployedWorkspace(ws);
  const production = ws.environments.production!;
  const stagingV1 = releases.find((r) => r.environment === "staging")!;
  const stagingV2 = (await deploy(ws, sandbox.id, ["staging"])).body.releases[0];
  const seeded: string[] = [];
  for (const release of [stagingV1, stagingV2]) {
    const res = await call(`/v1/releases/${release.id}/promote`, { key: ws.adminKey, body: { environments: ["production"] } });
    seeded.push(res.body.results[0].release.id as string);
  }

  const operations = Array.from({ length: 50 }, (_, i) => {
    switch (i % 3) {
      case 0:
        return call(`/v1/releases/${stagingV2.id}/promote`, { key: ws.adminKey, body: { environments: ["production"] } });
      case 1:
        return call(`/v1/deployments/${deployment.id}/revert?environment=production`, { key: ws.adminKey, method: "POST" });
      default:
        return call(`/v1/deployments/${deployment.id}/release-tags/stable?environment=production`, {
          key: ws.adminKey,
          method: "PATCH",
          body: { history_item_id: seeded[i % 2] },
        });
    }
  });
  const responses = await Promise.all(operations);
  expect(responses.map((r) => r.status).filter((s) => s >= 300)).toEqual([]);

  const created = responses.filter((_, i) => i % 3 !== 2).length;
  const total = seeded.length + created;
  const { results: rows } = await env.DB.prepare("SELECT id, version FROM releases WHERE deployment_id = ? AND environment_id = ? ORDER BY version")
    .bind(deployment.id, production.id)
    .all<{ id: string; version: number }>();
  expect(rows.map((r) => r.version)).toEqual(Array.from({ length: total }, (_, i) => i + 1));

  const { results: tags } = await env.DB.prepare("SELECT name, release_id FROM release_tags WHERE deployment_id = ? AND environment_id = ?")
    .bind(deployment.id, production.id)
    .all<{ name: string; release_id: string }>();
  const d1Tags = Object.fromEntries(tags.map((t) => [t.name, t.release_id]));
  expect(d1Tags.LATEST).toBe(rows.at(-1)!.id);

  const stub = env.DEPLOYMENT_COORDINATOR.get(env.DEPLOYMENT_COORDINATOR.idFromName(`${ws.id}:${deployment.id}`));
  expect(await stub.pendingPropagation()).toEqual([]);
  for (const [name, releaseId] of Object.entries(d1Tags)) {
    const pointer = await env.EDGE.get<{ release_id: string }>(`pointer:${production.id}:${deployment.id}:${name}`, "json");
    expect(pointer?.release_id, name).toBe(releaseId);
  }

  const history = await call(`/v1/deployments/${deployment.id}/releases?environment=production&limit=100`, { key: ws.adminKey });
  expect(history.body.data.map((r: { version: number }) => r.version)).toEqual(rows.map((r) => r.version).reverse());
  const changes = await env.DB.prepare("SELECT COUNT(*) AS n FROM audit_events WHERE workspace_id = ? AND action IN ('release.promoted', 'release.reverted', 'release_tag.moved')")
    .bind(ws.id)
    .first<{ n: number }>();
  expect(changes?.n).toBe(seeded.length + 50);
  expect((await call("/v1/audit-events/verify", { key: ws.adminKey })).body).toMatchObject({ valid: true });
});
