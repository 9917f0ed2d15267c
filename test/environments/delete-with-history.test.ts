import { describe, expect, it } from "vitest";
import { call, createWorkspace, expectProblem, storageSnapshot } from "../harness";
import { createSandbox, deploy } from "../lifecycle/fixtures";

describe("deleting an environment that has had releases", () => {
  it("is a 409 that says history is kept and how to stop using the environment instead", async () => {
    const ws = await createWorkspace();
    expect((await call("/v1/environments", { key: ws.adminKey, body: { name: "qa" } })).status).toBe(201);
    const sandbox = await createSandbox(ws);
    expect((await deploy(ws, sandbox.id, ["qa"])).status).toBe(201);
    const before = await storageSnapshot();
    const problem = expectProblem(await call("/v1/environments/qa", { method: "DELETE", key: ws.adminKey }), 409, "ENVIRONMENT_HAS_RELEASES");
    expect(problem.title).toBe("An environment with release history cannot be deleted");
    expect(problem.detail).toBe(
      'The environment "qa" has releases, and release history is kept: it cannot be deleted. To stop using it, revoke its API keys (DELETE /v1/api-keys/{id}) and protect it (PATCH /v1/environments/qa with "protected": true and "required_approvals") so that no release reaches it without approval.',
    );
    expect(await storageSnapshot()).toEqual(before);
  });
});
