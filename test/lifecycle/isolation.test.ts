import { expect, it } from "vitest";
import { call, createWorkspace, expectProblem, storageSnapshot } from "../harness";
import { deployedWorkspace } from "./fixtures";

it("a staging key cannot see, promote into, revert or tag production, and nothing changes", async () => {
  const ws = await createWorkspace();
  const { deployment, releases } = await deployedWorkspace(ws);
  const stagingRelease = releases.find((r) => r.environment === "staging")!;
  const promoted = await call(`/v1/releases/${stagingRelease.id}/promote`, { key: ws.adminKey, body: { environments: ["production"] } });
  const productionRelease = promoted.body.results[0].release;
  const stagingKey = (await ws.key({ environment: "staging", scopes: ["read", "deploy", "promote", "approve"] })).key;
  const before = await storageSnapshot();

  const attempts = [
    // See
    call(`/v1/releases/${productionRelease.id}`, { key: stagingKey }),
    call(`/v1/deployments/${deployment.id}/releases?environment=production`, { key: stagingKey }),
    call(`/v1/deployments/faq/releases/${productionRelease.id}`, { key: stagingKey }),
    call(`/v1/releases/${stagingRelease.id}/compare?to=${productionRelease.id}`, { key: stagingKey }),
    // Promote into
    call(`/v1/releases/${stagingRelease.id}/promote`, { key: stagingKey, body: { environments: ["production"] } }),
    // Revert
    call(`/v1/deployments/${deployment.id}/revert?environment=production`, { key: stagingKey, method: "POST" }),
    // Tag
    call(`/v1/deployments/faq/release-tags/stable?environment=production`, { key: stagingKey, method: "PATCH", body: { history_item_id: productionRelease.id } }),
    call(`/v1/deployments/faq/release-tags/stable`, { key: stagingKey, method: "PATCH", body: { history_item_id: productionRelease.id } }),
  ];
  for (const res of await Promise.all(attempts)) expectProblem(res, 404, "NOT_FOUND");
  expect(await storageSnapshot()).toEqual(before);

  // Its own environment still works.
  const own = await call(`/v1/deployments/${deployment.id}/releases`, { key: stagingKey });
  expect(own.body.data.map((r: { id: string }) => r.id)).toEqual([stagingRelease.id]);
  expect(JSON.stringify(own.body)).not.toContain(productionRelease.id);
});
