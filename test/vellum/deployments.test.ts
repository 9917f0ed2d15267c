import { afterEach, describe, expect, it, vi } from "vitest";
import { call, createWorkspace } from "../harness";
import { createSandbox, deployedWorkspace } from "../lifecycle/fixtures";
import { vellumClient } from "./sdk-client";

afterEach(() => {
  vi.unstubAllGlobals();
});

describe("the vellum-ai SDK against Stagecraft's deployment API", () => {
  it("lists, reads and inspects a prompt deployment in the key's environment", async () => {
    const ws = await createWorkspace();
    const { deployment, releases } = await deployedWorkspace(ws);
    const staging = releases.find((r) => r.environment === "staging")!;
    const stagingKey = await ws.key({ environment: "staging", scopes: ["read", "promote"] });
    const client = vellumClient(stagingKey.key);

    const list = await client.deployments.list({ limit: 10 });
    expect(list.count).toBe(1);
    expect(list.results?.[0]).toMatchObject({ id: deployment.id, name: "faq", label: "faq", environment: "STAGING" });
    expect(list.results?.[0]?.lastDeployedOn).toBeInstanceOf(Date);

    const byName = await client.deployments.retrieve("faq");
    expect(byName.id).toBe(deployment.id);
    expect(byName.lastDeployedHistoryItemId).toBe(staging.id);
    expect(byName.inputVariables.map((v) => [v.key, v.type, v.required])).toEqual([
      ["question", "STRING", true],
      ["product", "STRING", false],
    ]);
    expect(byName.inputVariables[1]?.default).toEqual({ type: "STRING", value: "Stagecraft" });

    const tags = await client.deployments.listDeploymentReleaseTags(deployment.id, {});
    expect(tags.results?.map((t) => [t.name, t.source, t.release.id])).toEqual([["LATEST", "SYSTEM", staging.id]]);

    const latest = await client.deployments.retrieveDeploymentReleaseTag(deployment.id, "LATEST");
    expect(latest.release.id).toBe(staging.id);
    expect(latest.historyItem.timestamp).toBeInstanceOf(Date);

    const release = await client.deployments.retrievePromptDeploymentRelease(deployment.id, "LATEST");
    expect(release).toMatchObject({ id: staging.id, environment: { name: "staging", label: "Staging" }, deployment: { id: deployment.id, name: "faq" } });
    expect(release.promptVersion.buildConfig.source).toBe("SANDBOX");
    expect(release.releaseTags).toEqual([{ name: "LATEST", source: "SYSTEM" }]);
  });

  it("moves a user tag with PATCH history_item_id, and refuses to move LATEST", async () => {
    const ws = await createWorkspace();
    const { deployment, releases } = await deployedWorkspace(ws);
    const staging = releases.find((r) => r.environment === "staging")!;
    const client = vellumClient((await ws.key({ environment: "staging", scopes: ["read", "promote"] })).key);

    const moved = await client.deployments.updateDeploymentReleaseTag(deployment.id, "stable", { historyItemId: staging.id });
    expect(moved).toMatchObject({ name: "stable", source: "USER" });
    expect(moved.release.id).toBe(staging.id);
    const byTag = await client.deployments.retrievePromptDeploymentRelease("faq", "stable");
    expect(byTag.id).toBe(staging.id);

    await expect(client.deployments.updateDeploymentReleaseTag(deployment.id, "LATEST", { historyItemId: staging.id })).rejects.toMatchObject({ statusCode: 409 });
  });

  it("a key of another environment sees nothing of it", async () => {
    const ws = await createWorkspace();
    await deployedWorkspace(ws);
    const client = vellumClient((await ws.key({ environment: "production", scopes: ["read"] })).key);
    expect((await client.deployments.list()).results).toEqual([]);
    await expect(client.deployments.retrieve("faq")).rejects.toMatchObject({ statusCode: 404 });
  });
});

describe("the vellum-ai SDK against Stagecraft's workflow deployments", () => {
  it("reads a workflow deployment, its tags and its releases", async () => {
    const ws = await createWorkspace();
    const spec = {
      input_variables: [{ key: "question", type: "STRING" }],
      nodes: [
        { id: "shape", type: "template", template: "Q: {{ inputs.question }}" },
        { id: "final", type: "output", name: "answer", value: "{{ nodes.shape.text }}" },
      ],
      edges: [{ from: "shape", to: "final" }],
    };
    const sandbox = await createSandbox(ws, "wf", spec, "workflow");
    const deployed = await call(`/v1/sandboxes/${sandbox.id}/deploy`, {
      key: ws.adminKey,
      body: { deployment_name: "qa-flow", environments: ["staging"], release_tags: ["v1.0.0"] },
    });
    expect(deployed.status).toBe(201);
    const release = deployed.body.releases[0];
    const client = vellumClient((await ws.key({ environment: "staging", scopes: ["read", "promote"] })).key);

    const list = await client.workflowDeployments.list();
    expect(list.results?.map((d) => d.name)).toEqual(["qa-flow"]);
    const read = await client.workflowDeployments.retrieve("qa-flow");
    expect(read.lastDeployedHistoryItemId).toBe(release.id);
    expect(read.outputVariables.map((v) => v.key)).toEqual(["answer"]);

    const tags = await client.workflowDeployments.listWorkflowReleaseTags("qa-flow", { source: "USER" });
    expect(tags.results?.map((t) => t.name)).toEqual(["v1.0.0"]);
    const byTag = await client.workflowDeployments.retrieveWorkflowDeploymentRelease("qa-flow", "v1.0.0");
    expect(byTag.id).toBe(release.id);
    expect(byTag.workflowVersion.inputVariables.map((v) => v.key)).toEqual(["question"]);
    const tag = await client.workflowDeployments.retrieveWorkflowReleaseTag("qa-flow", "LATEST");
    expect(tag.release.id).toBe(release.id);
    const moved = await client.workflowDeployments.updateWorkflowReleaseTag("qa-flow", "canary", { historyItemId: release.id });
    expect(moved.name).toBe("canary");

    // A prompt deployment is not a workflow deployment, and the other way round.
    await expect(client.deployments.retrieve("qa-flow")).rejects.toMatchObject({ statusCode: 404 });
  });
});
