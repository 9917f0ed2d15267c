import { describe, expect, it } from "vitest";
import { call, createWorkspace, expectProblem, storageSnapshot, type TestWorkspace } from "../harness";
import { createSandbox, deploy, deployedWorkspace, promptSpec, saveSandbox } from "../lifecycle/fixtures";

/** A workflow that runs the "faq" prompt deployment of its own environment, by tag. */
const FLOW = {
  input_variables: [{ key: "question", type: "STRING" }],
  nodes: [
    { id: "ask", type: "prompt", deployment: "faq", release_tag: "LATEST", inputs: { question: "{{ inputs.question }}" } },
    { id: "final", type: "output", name: "answer", value: "{{ nodes.ask.text }}" },
  ],
  edges: [{ from: "ask", to: "final" }],
};

const compare = (ws: TestWorkspace, query: string, key = ws.adminKey) => call(`/v1/environments/compare${query}`, { key });

async function promote(ws: TestWorkspace, releaseId: string, environments: string[]) {
  const res = await call(`/v1/releases/${releaseId}/promote`, { key: ws.adminKey, body: { environments } });
  if (res.status !== 201) throw new Error(`promote failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.results[0].release as { id: string; created_at: string };
}

async function patchEnvironment(ws: TestWorkspace, name: string, body: unknown) {
  expect((await call(`/v1/environments/${name}`, { method: "PATCH", key: ws.adminKey, body })).status).toBe(200);
}

/**
 * staging and production after: faq v1 deployed to development and staging
 * and promoted to production; the "flow" workflow deployed to staging and
 * promoted; faq changed twice in staging; "notes" deployed to staging only;
 * variables, a secret and production's approvals set apart.
 */
async function driftedWorkspace() {
  const ws = await createWorkspace();
  const { sandbox, releases } = await deployedWorkspace(ws);
  const faqInStaging = releases.find((r) => r.environment === "staging")!;
  const faqInProduction = await promote(ws, faqInStaging.id, ["production"]);

  const flow = await createSandbox(ws, "flow", FLOW, "workflow");
  const flowDeployed = await deploy(ws, flow.id, ["staging"], { deployment_name: "flow" });
  expect(flowDeployed.status).toBe(201);
  const flowInStaging = flowDeployed.body.releases[0] as { id: string; created_at: string };
  const flowInProduction = await promote(ws, flowInStaging.id, ["production"]);

  await saveSandbox(ws, sandbox.id, promptSpec("Briefly: {{ question }}"));
  expect((await deploy(ws, sandbox.id, ["staging"])).status).toBe(201);
  await saveSandbox(ws, sandbox.id, promptSpec("Very briefly: {{ question }}"));
  const faqNow = await deploy(ws, sandbox.id, ["staging"]);
  expect(faqNow.status).toBe(201);

  const notes = await createSandbox(ws, "notes");
  expect((await deploy(ws, notes.id, ["staging"], { deployment_name: "notes" })).status).toBe(201);

  await patchEnvironment(ws, "staging", { variables: { region: "eu", tone: "casual", only_staging: "yes" } });
  await patchEnvironment(ws, "production", { variables: { region: "eu", tone: "formal", only_production: "1" }, required_approvals: 2 });
  expect((await call("/v1/environments/staging/secrets/OPENAI_API_KEY", { method: "PUT", key: ws.adminKey, body: { value: "sk-staging-secret-value" } })).status).toBe(200);
  return { ws, faqInProduction, faqNow: faqNow.body.releases[0] as { id: string; created_at: string }, flowInStaging, flowInProduction };
}

describe("GET /v1/environments/compare", () => {
  it("shows a changed prompt as different and two releases ahead, naming the changed block", async () => {
    const { ws, faqInProduction, faqNow } = await driftedWorkspace();
    const res = await compare(ws, "?from=staging&to=production");
    expect(res.status).toBe(200);
    expect(res.body.from).toEqual({ name: "staging" });
    expect(res.body.to).toEqual({ name: "production" });
    const faq = res.body.deployments.find((d: { deployment: { name: string } }) => d.deployment.name === "faq");
    expect(faq).toMatchObject({
      deployment: { name: "faq", kind: "prompt" },
      from: { id: faqNow.id, version: 3, tags: ["LATEST"] },
      to: { id: faqInProduction.id, version: 1, tags: ["LATEST"] },
      status: "different",
      same_content: false,
      releases_ahead: 2,
      references_drifted: [],
      drifted: false,
    });
    expect(faq.from.content_hash).not.toBe(faq.to.content_hash);
    expect(faq.spec_differences.changes.blocks).toEqual([
      {
        index: 1,
        change: "changed",
        from: { role: "user", template: "Very briefly: {{ question }}" },
        to: { role: "user", template: "{{ question }}" },
      },
    ]);
    expect(faq.spec_differences.changes.model).toEqual([]);
    expect(faq.spec_differences.diff).toContain("-Very briefly: {{ question }}");
  });

  it("counts releases ahead only in the direction `from` is ahead", async () => {
    const { ws } = await driftedWorkspace();
    const res = await compare(ws, "?from=production&to=staging");
    expect(res.status).toBe(200);
    const faq = res.body.deployments.find((d: { deployment: { name: string } }) => d.deployment.name === "faq");
    // production never served staging's new content: not comparable.
    expect(faq).toMatchObject({ status: "different", releases_ahead: null });
    const notes = res.body.deployments.find((d: { deployment: { name: string } }) => d.deployment.name === "notes");
    expect(notes).toMatchObject({ status: "only_in_to", from: null, releases_ahead: null, spec_differences: null });
  });

  it("lists a deployment live in one environment only", async () => {
    const { ws } = await driftedWorkspace();
    const res = await compare(ws, "?from=staging&to=production");
    expect(res.body.deployments.map((d: { deployment: { name: string } }) => d.deployment.name)).toEqual(["faq", "flow", "notes"]);
    const notes = res.body.deployments.find((d: { deployment: { name: string } }) => d.deployment.name === "notes");
    expect(notes).toMatchObject({ status: "only_in_from", to: null, same_content: false, releases_ahead: null, spec_differences: null, drifted: false });
    expect(notes.from).toMatchObject({ version: 1, tags: ["LATEST"] });
  });

  it("flags a workflow whose referenced prompt changed since its release, in that environment only", async () => {
    const { ws, faqNow, flowInStaging, flowInProduction } = await driftedWorkspace();
    const res = await compare(ws, "?from=staging&to=production");
    const flow = res.body.deployments.find((d: { deployment: { name: string } }) => d.deployment.name === "flow");
    expect(flow).toMatchObject({
      deployment: { kind: "workflow" },
      from: { id: flowInStaging.id },
      to: { id: flowInProduction.id },
      status: "same",
      same_content: true,
      releases_ahead: 0,
      spec_differences: null,
      drifted: true,
    });
    // production's faq is the one the workflow was promoted with: only staging's reference drifted.
    expect(flow.references_drifted).toEqual([
      {
        node_id: "ask",
        deployment: "faq",
        release_tag: "LATEST",
        environment: "staging",
        workflow_release_created_at: flowInStaging.created_at,
        referenced_release_id: faqNow.id,
        referenced_release_created_at: faqNow.created_at,
      },
    ]);
  });

  it("shows variables with their values, secret names only, and the policy fields that differ", async () => {
    const { ws } = await driftedWorkspace();
    const res = await compare(ws, "?from=staging&to=production");
    expect(res.body.variables).toEqual({
      only_in_from: [{ name: "only_staging", value: "yes" }],
      only_in_to: [{ name: "only_production", value: "1" }],
      different: [{ name: "tone", from: "casual", to: "formal" }],
    });
    expect(res.body.secrets).toEqual({ only_in_from: ["OPENAI_API_KEY"], only_in_to: [] });
    expect(JSON.stringify(res.body)).not.toContain("sk-staging-secret-value");
    expect(res.body.policy).toEqual([
      { field: "protected", from: false, to: true },
      { field: "required_approvals", from: 0, to: 2 },
    ]);
  });

  it("leaves secret names out for a key without admin in both environments", async () => {
    const { ws } = await driftedWorkspace();
    const reader = await ws.key({ environment: null, scopes: ["read"] });
    const res = await compare(ws, "?from=staging&to=production", reader.key);
    expect(res.status).toBe(200);
    expect(res.body.secrets).toBeNull();
    expect(res.body.deployments).toHaveLength(3);
  });

  it("reports nothing different between environments that match, and changes nothing", async () => {
    const ws = await createWorkspace();
    const { releases } = await deployedWorkspace(ws);
    expect(releases.map((r) => r.environment).sort()).toEqual(["development", "staging"]);
    const before = await storageSnapshot();
    const res = await compare(ws, "?from=development&to=staging");
    expect(await storageSnapshot()).toEqual(before);
    expect(res.status).toBe(200);
    expect(res.body.deployments).toEqual([expect.objectContaining({ status: "same", same_content: true, releases_ahead: 0, spec_differences: null, drifted: false })]);
    expect(res.body.variables).toEqual({ only_in_from: [], only_in_to: [], different: [] });
    expect(res.body.secrets).toEqual({ only_in_from: [], only_in_to: [] });
    expect(res.body.policy).toEqual([]);
  });

  it("answers 404 for an environment the key cannot see, exactly as for one that does not exist", async () => {
    const { ws } = await driftedWorkspace();
    const stagingOnly = await ws.key({ environment: "staging", scopes: ["read", "admin"] });
    const hidden = expectProblem(await compare(ws, "?from=staging&to=production", stagingOnly.key), 404, "NOT_FOUND");
    expect(hidden.errors).toEqual([{ path: "query.to", message: "Unknown environment" }]);
    expectProblem(await compare(ws, "?from=production&to=staging", stagingOnly.key), 404, "NOT_FOUND");
    const missing = expectProblem(await compare(ws, "?from=staging&to=nowhere"), 404, "NOT_FOUND");
    expect(missing.errors).toEqual([{ path: "query.to", message: "Unknown environment" }]);
    const otherWorkspace = await createWorkspace("Other");
    expectProblem(await compare(otherWorkspace, "?from=staging&to=production", (await otherWorkspace.key({ environment: "staging", scopes: ["read"] })).key), 404);
  });

  it("refuses a missing, malformed or repeated environment with 400 naming the parameter", async () => {
    const ws = await createWorkspace();
    const noTo = expectProblem(await compare(ws, "?from=staging"), 400, "VALIDATION_FAILED");
    expect((noTo.errors as { path: string }[]).map((e) => e.path)).toEqual(["query.to"]);
    const neither = expectProblem(await compare(ws, ""), 400, "VALIDATION_FAILED");
    expect((neither.errors as { path: string }[]).map((e) => e.path).sort()).toEqual(["query.from", "query.to"]);
    const malformed = expectProblem(await compare(ws, "?from=Not%20A%20Name&to=production"), 400, "VALIDATION_FAILED");
    expect((malformed.errors as { path: string }[]).map((e) => e.path)).toEqual(["query.from"]);
    const same = expectProblem(await compare(ws, "?from=staging&to=staging"), 400, "VALIDATION_FAILED");
    expect(same.errors).toEqual([{ path: "query.to", message: "Must differ from query.from" }]);
    const unknown = expectProblem(await compare(ws, "?from=staging&to=production&environment=staging"), 400, "VALIDATION_FAILED");
    expect((unknown.errors as { path: string }[]).map((e) => e.path)).toEqual(["query.environment"]);
  });

  it("leaves GET /v1/environments/{name} working beside it", async () => {
    const ws = await createWorkspace();
    const res = await call("/v1/environments/staging", { key: ws.adminKey });
    expect(res.status).toBe(200);
    expect(res.body.name).toBe("staging");
    // "compare" is not a valid environment to read: the route answers, not the environment lookup.
    expectProblem(await call("/v1/environments/compare", { key: ws.adminKey }), 400, "VALIDATION_FAILED");
  });
});
