import { describe, expect, it } from "vitest";
import { call, createWorkspace, expectProblem } from "../harness";
import { createSandbox, deploy } from "../lifecycle/fixtures";

const workflow = {
  input_variables: [{ key: "question", type: "STRING" }],
  nodes: [{ id: "final", type: "output", name: "answer", value: "{{ inputs.question }}" }],
  edges: [],
};

describe("a deployment read through the other kind's collection", () => {
  it("is a 404 whose detail points at the collection that has it, both ways, only where the key can see it", async () => {
    const ws = await createWorkspace();
    const prompt = await createSandbox(ws, "faq");
    const promptDeployment = (await deploy(ws, prompt.id, ["staging"])).body.deployment;
    const flow = await createSandbox(ws, "flow", workflow, "workflow");
    const flowDeployment = (await call(`/v1/sandboxes/${flow.id}/deploy`, { key: ws.adminKey, body: { deployment_name: "flow", environments: ["staging"] } })).body.deployment;
    const staging = (await ws.key({ environment: "staging", scopes: ["read"] })).key;

    const asPrompt = expectProblem(await call("/v1/deployments/flow", { key: staging }), 404, "NOT_FOUND");
    expect(asPrompt.detail).toBe(`"flow" is a workflow deployment, not a prompt deployment: read it at /v1/workflow-deployments/${flowDeployment.id}`);
    const tags = expectProblem(await call("/v1/deployments/flow/release-tags", { key: staging }), 404, "NOT_FOUND");
    expect(tags.detail).toBe(asPrompt.detail);
    const asWorkflow = expectProblem(await call(`/v1/workflow-deployments/${promptDeployment.id}`, { key: staging }), 404, "NOT_FOUND");
    expect(asWorkflow.detail).toBe(`"${promptDeployment.id}" is a prompt deployment, not a workflow deployment: read it at /v1/deployments/${promptDeployment.id}`);

    // Where the deployment has no release the key can see, there is nothing to point at.
    const development = (await ws.key({ environment: "development", scopes: ["read"] })).key;
    expect(expectProblem(await call("/v1/deployments/flow", { key: development }), 404, "NOT_FOUND").detail).toBe('No prompt deployment "flow"');
  });
});
