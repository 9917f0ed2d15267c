import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { call, createWorkspace, expectProblem } from "../harness";
import { createSandbox, deploy, promptSpec } from "../lifecycle/fixtures";
import { executionsRecorded } from "./upstream";

const ask = (extra: Record<string, unknown> = {}) => ({ prompt_deployment_name: "faq", inputs: [{ name: "question", type: "STRING", value: "q" }], ...extra });

describe("invocation isolation", () => {
  it("a staging key gets staging's release; it cannot read production's executions; production cannot invoke staging's release id", async () => {
    const ws = await createWorkspace();
    const sandbox = await createSandbox(ws, "faq", promptSpec("staging says {{ question }}"));
    const staging = (await deploy(ws, sandbox.id, ["staging"])).body.releases[0];
    const promoted = await call(`/v1/releases/${staging.id}/promote`, { key: ws.adminKey, body: { environments: ["production"] } });
    const production = promoted.body.results[0].release;
    await call("/v1/environments/production", { method: "PATCH", key: ws.adminKey, body: { variables: { x: "1" } } });
    const stagingKey = (await ws.key({ environment: "staging", scopes: ["execute", "read"] })).key;
    const productionKey = (await ws.key({ environment: "production", scopes: ["execute", "read"] })).key;

    const fromStaging = await call("/v1/execute-prompt", { key: stagingKey, body: ask() });
    expect(fromStaging.headers.get("x-release-id")).toBe(staging.id);
    const fromProduction = await call("/v1/execute-prompt", { key: productionKey, body: ask() });
    expect(fromProduction.headers.get("x-release-id")).toBe(production.id);
    await executionsRecorded(ws.id, 2);

    const stagingList = await call("/v1/executions", { key: stagingKey });
    expect(stagingList.body.data.map((e: { id: string }) => e.id)).toEqual([fromStaging.body.execution_id]);
    expectProblem(await call(`/v1/executions/${fromProduction.body.execution_id}`, { key: stagingKey }), 404);
    expectProblem(await call("/v1/executions?environment=production", { key: stagingKey }), 404);

    expectProblem(await call("/v1/execute-prompt", { key: productionKey, body: ask({ release_tag: staging.id }) }), 404, "NOT_FOUND");
    expectProblem(await call("/v1/execute-prompt?environment=staging", { key: productionKey, body: ask() }), 404, "NOT_FOUND");
    const other = await createWorkspace();
    const otherKey = (await other.key({ environment: "staging", scopes: ["execute"] })).key;
    expectProblem(await call("/v1/execute-prompt", { key: otherKey, body: ask() }), 404, "NOT_FOUND");
    expectProblem(await call("/v1/execute-prompt", { key: otherKey, body: ask({ release_tag: staging.id }) }), 404, "NOT_FOUND");
    const readOnly = (await ws.key({ environment: "staging", scopes: ["read"] })).key;
    expectProblem(await call("/v1/execute-prompt", { key: readOnly, body: ask() }), 403, "INSUFFICIENT_SCOPE");
  });
});

describe("execution records", () => {
  it("every invoke produces exactly one record: a burst of 200", async () => {
    const ws = await createWorkspace();
    const sandbox = await createSandbox(ws);
    await deploy(ws, sandbox.id, ["staging"]);
    const key = (await ws.key({ environment: "staging", scopes: ["execute"] })).key;
    const responses = [];
    for (let wave = 0; wave < 4; wave++) {
      responses.push(...(await Promise.all(Array.from({ length: 50 }, (_, i) => call("/v1/execute-prompt", { key, body: ask({ external_id: `burst-${wave}-${i}` }) })))));
    }
    expect(responses.every((r) => r.status === 200 && r.body.state === "FULFILLED")).toBe(true);
    const rows = await executionsRecorded(ws.id, 200);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const { results } = await env.DB.prepare("SELECT id FROM executions WHERE workspace_id = ?").bind(ws.id).all<{ id: string }>();
    expect(rows.length).toBe(200);
    expect(results.length).toBe(200);
    expect(new Set(results.map((r) => r.id))).toEqual(new Set(responses.map((r) => r.body.execution_id)));
  });

  it("lists with filters and takes quality feedback through submit-completion-actuals", async () => {
    const ws = await createWorkspace();
    const sandbox = await createSandbox(ws);
    const v1 = (await deploy(ws, sandbox.id, ["staging"])).body.releases[0];
    const key = (await ws.key({ environment: "staging", scopes: ["execute", "read"] })).key;
    const first = await call("/v1/execute-prompt", { key, body: ask({ external_id: "ticket-1" }) });
    const v2 = (await deploy(ws, sandbox.id, ["staging"])).body.releases[0];
    const second = await call("/v1/execute-prompt", { key, body: ask() });
    await call("/v1/execute-prompt", { key, body: { prompt_deployment_name: "faq", inputs: [] } });
    await executionsRecorded(ws.id, 2);

    const byRelease = await call(`/v1/executions?release_id=${v1.id}`, { key });
    expect(byRelease.body.data.map((e: { id: string }) => e.id)).toEqual([first.body.execution_id]);
    const newest = await call(`/v1/executions?deployment=faq&limit=1`, { key });
    expect(newest.body.data[0].id).toBe(second.body.execution_id);
    expect(newest.body.data[0].release_id).toBe(v2.id);
    const older = await call(`/v1/executions?deployment=faq&limit=1&cursor=${newest.body.next_cursor}`, { key });
    expect(older.body.data[0].id).toBe(first.body.execution_id);
    expect((await call(`/v1/executions?status=REJECTED`, { key })).body.data).toEqual([]);
    expect((await call(`/v1/executions?from=2999-01-01T00:00:00Z`, { key })).body.data).toEqual([]);

    const actuals = await call("/v1/submit-completion-actuals", {
      key,
      body: {
        deployment_name: "faq",
        actuals: [
          { external_id: "ticket-1", quality: 0.25, text: "better answer" },
          { id: second.body.execution_id, quality: 1 },
        ],
      },
    });
    expect(actuals.status).toBe(200);
    const scored = await call(`/v1/executions/${first.body.execution_id}`, { key });
    expect(scored.body).toMatchObject({ quality_score: 0.25, actual: { text: "better answer" } });
    expect((await call(`/v1/executions/${second.body.execution_id}`, { key })).body.quality_score).toBe(1);
    expectProblem(await call("/v1/submit-completion-actuals", { key, body: { actuals: [{ id: "exe_unknown", quality: 1 }] } }), 404);
    expectProblem(await call("/v1/submit-completion-actuals", { key, body: { actuals: [{ id: second.body.execution_id, quality: 2 }] } }), 400);
  });
});
