import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { openDatabase } from "../../src/db/client";
import { meanEvaluatorScore } from "../../src/testing/read-test-runs";
import { latestCompletedRun } from "../../src/testing/test-suite-repository";
import { completion, executionsRecorded, mockNetwork, upstreamDeployment } from "../execute/upstream";
import { call, createWorkspace, expectProblem, storageSnapshot, type TestWorkspace } from "../harness";
import { createSandbox, saveSandbox } from "../lifecycle/fixtures";
import { capitalsSpec, createSuite, deployPrompt, parisJudgeSpec, runSuite } from "./fixtures";

afterEach(() => {
  vi.restoreAllMocks();
});

const capitalCases = [
  {
    name: "France",
    inputs: { country: "France" },
    assertions: [
      { type: "exact_match", value: "Paris" },
      { type: "evaluator", deployment: "paris-judge", min_score: 1 },
    ],
  },
  { name: "Japan", inputs: { country: "Japan" }, expected: "Tokyo", assertions: [{ type: "contains" }] },
  { name: "Italy", inputs: { country: "Italy" }, assertions: [{ type: "contains", value: "Rome" }] },
];

async function auditActions(ws: TestWorkspace, action: string) {
  return (await env.DB.prepare("SELECT target_id, environment_id FROM audit_events WHERE workspace_id = ? AND action = ?").bind(ws.id, action).all()).results;
}

describe("running a suite against a release", () => {
  it("runs every case in the release's environment and stores each result and the pass rate, recording no executions", async () => {
    const ws = await createWorkspace();
    const { releases } = await deployPrompt(ws, "capitals", capitalsSpec());
    await deployPrompt(ws, "paris-judge", parisJudgeSpec);
    const suite = await createSuite(ws, { name: "capitals", cases: capitalCases });
    const key = (await ws.key({ environment: "staging", scopes: ["read", "execute"] })).key;

    const res = await runSuite(suite.id, key, { release_id: releases.staging });
    expect(res.status).toBe(201);
    expect(res.headers.get("location")).toBe(`/v1/test-suite-runs/${res.body.id}`);
    const release = await call(`/v1/releases/${releases.staging}`, { key });
    expect(res.body).toMatchObject({
      id: expect.stringMatching(/^tsr_/),
      test_suite_id: suite.id,
      test_suite_revision: 1,
      release_id: releases.staging,
      environment: "staging",
      sandbox_id: null,
      sandbox_revision: null,
      content_hash: release.body.content_hash,
      status: "completed",
      total_cases: 3,
      passed_cases: 2,
      pass_rate: 2 / 3,
      mean_evaluator_score: 1,
      error: null,
      completed_at: expect.any(String),
    });
    expect(res.body.results).toEqual([
      {
        case_id: suite.cases[0]!.id,
        name: "France",
        passed: true,
        output: "Paris",
        error: null,
        duration_ms: expect.any(Number),
        assertions: [
          { type: "exact_match", passed: true, message: "The output equals the expected text" },
          { type: "evaluator", passed: true, score: 1, message: 'The evaluator "paris-judge" scored 1 (at least 1)' },
        ],
      },
      {
        case_id: suite.cases[1]!.id,
        name: "Japan",
        passed: true,
        output: "Tokyo",
        error: null,
        duration_ms: expect.any(Number),
        assertions: [{ type: "contains", passed: true, message: 'The output contains "Tokyo"' }],
      },
      {
        case_id: suite.cases[2]!.id,
        name: "Italy",
        passed: false,
        output: "I do not know",
        error: null,
        duration_ms: expect.any(Number),
        assertions: [{ type: "contains", passed: false, message: 'The output does not contain "Rome"' }],
      },
    ]);
    expect(meanEvaluatorScore(res.body.results)).toBe(1);

    const fetched = await call(`/v1/test-suite-runs/${res.body.id}`, { key });
    expect(fetched.status).toBe(200);
    expect(fetched.body).toEqual(res.body);
    const row = await env.DB.prepare("SELECT * FROM test_suite_runs WHERE id = ?").bind(res.body.id).first<Record<string, unknown>>();
    expect(row).toMatchObject({
      workspace_id: ws.id,
      release_id: releases.staging,
      environment_id: ws.environments.staging!.id,
      passed_cases: 2,
      total_cases: 3,
      pass_rate: 2 / 3,
    });
    expect(JSON.parse(row!.results as string)).toEqual(res.body.results);
    expect(await auditActions(ws, "test_suite_run.completed")).toEqual([{ target_id: res.body.id, environment_id: ws.environments.staging!.id }]);

    const listed = await call(`/v1/test-suites/${suite.id}/runs`, { key });
    expect(listed.status).toBe(200);
    const { results: _results, ...summary } = res.body;
    expect(listed.body).toEqual({ data: [summary], next_cursor: null });

    // One real invocation afterwards: once it is recorded, the run's cases would have been too, had they been.
    await call("/v1/execute-prompt", { key, body: { prompt_deployment_name: "capitals", inputs: [{ name: "country", type: "STRING", value: "France" }] } });
    await executionsRecorded(ws.id, 1);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await env.DB.prepare("SELECT COUNT(*) AS n FROM executions WHERE workspace_id = ?").bind(ws.id).first<{ n: number }>())!.n).toBe(1);
  });

  it("the newest completed run of a suite on a release is what a promotion gate reads", async () => {
    const ws = await createWorkspace();
    const { releases } = await deployPrompt(ws, "capitals", capitalsSpec(), ["staging", "development"]);
    await deployPrompt(ws, "paris-judge", parisJudgeSpec, ["staging", "development"]);
    const suite = await createSuite(ws, { name: "capitals", cases: capitalCases });
    const other = await createSuite(ws, { name: "other", cases: [] });
    const db = openDatabase(env.DB);
    expect(await latestCompletedRun(db, ws.id, suite.id, releases.staging!)).toBeNull();

    const first = await runSuite(suite.id, ws.adminKey, { release_id: releases.staging });
    await call(`/v1/test-suites/${suite.id}`, { method: "PATCH", key: ws.adminKey, body: { cases: capitalCases.slice(0, 2) } });
    const second = await runSuite(suite.id, ws.adminKey, { release_id: releases.staging });
    await runSuite(suite.id, ws.adminKey, { release_id: releases.development });
    const empty = await runSuite(other.id, ws.adminKey, { release_id: releases.staging });
    expect([first.status, second.status, empty.status]).toEqual([201, 201, 201]);
    expect(second.body).toMatchObject({ test_suite_revision: 2, total_cases: 2, passed_cases: 2, pass_rate: 1 });
    expect(empty.body).toMatchObject({ total_cases: 0, passed_cases: 0, pass_rate: null, mean_evaluator_score: null });

    expect((await latestCompletedRun(db, ws.id, suite.id, releases.staging!))?.id).toBe(second.body.id);
    expect((await latestCompletedRun(db, ws.id, other.id, releases.staging!))?.id).toBe(empty.body.id);
    const ofStaging = await call(`/v1/test-suites/${suite.id}/runs?release_id=${releases.staging}&limit=1`, { key: ws.adminKey });
    expect(ofStaging.body.data.map((r: { id: string }) => r.id)).toEqual([second.body.id]);
    const next = await call(`/v1/test-suites/${suite.id}/runs?release_id=${releases.staging}&limit=1&cursor=${ofStaging.body.next_cursor}`, { key: ws.adminKey });
    expect(next.body).toMatchObject({ data: [{ id: first.body.id }], next_cursor: null });
  });

  it("evaluator scores count, on their scale, as the release's quality in its environment's metrics", async () => {
    const ws = await createWorkspace();
    const { releases } = await deployPrompt(ws, "capitals", capitalsSpec());
    await deployPrompt(ws, "paris-judge", parisJudgeSpec);
    await deployPrompt(ws, "tenfold-judge", { ...parisJudgeSpec, blocks: [{ role: "user", template: '{{ 10 if "Paris" in output else 5 }}' }] });
    const judged = (country: string) => ({
      inputs: { country },
      assertions: [
        { type: "evaluator", deployment: "paris-judge", min_score: 1 },
        { type: "evaluator", deployment: "tenfold-judge", min_score: 5, max_score: 10 },
        // Off its declared scale (10 > 1): judged, but no quality.
        { type: "evaluator", deployment: "tenfold-judge", min_score: 0 },
      ],
    });
    const suite = await createSuite(ws, { name: "judged", cases: [judged("France"), judged("Japan"), judged("Italy")] });
    const run = await runSuite(suite.id, ws.adminKey, { release_id: releases.staging });
    expect(run.body.mean_evaluator_score).toBeCloseTo((1 + 10 + 5 + 5 + 10 + 5 + 5) / 9);

    // Qualities: paris-judge 1, 0, 0; tenfold-judge out of 10: 1, 0.5, 0.5; the undeclared 10 and 5s left out.
    const metrics = await call(`/v1/metrics?environment=staging&release=${releases.staging}`, { key: ws.adminKey });
    expect(metrics.status).toBe(200);
    expect(metrics.body.overall).toMatchObject({ executions: 0, quality: { mean: 3 / 6, count: 6 } });
    // A draft's run belongs to no release: it adds nothing to any environment's metrics.
    const sandbox = await createSandbox(ws, "draft", capitalsSpec());
    await runSuite(suite.id, ws.adminKey, { sandbox_id: sandbox.id, environment: "staging" });
    expect((await call("/v1/metrics?environment=staging", { key: ws.adminKey })).body.overall.quality).toEqual({ mean: 3 / 6, count: 6 });
  });

  it("a workflow release is tested on its outputs", async () => {
    const ws = await createWorkspace();
    const spec = {
      input_variables: [{ key: "name", type: "STRING" }],
      nodes: [{ id: "out", type: "output", name: "greeting", value: '{"hello": "{{ inputs.name }}"}' }],
      edges: [],
    };
    const sandbox = await createSandbox(ws, "greeter", spec, "workflow");
    const deployed = await call(`/v1/sandboxes/${sandbox.id}/deploy`, { key: ws.adminKey, body: { deployment_name: "greeter", environments: ["staging"] } });
    const suite = await createSuite(ws, {
      name: "greetings",
      cases: [{ inputs: { name: "Ada" }, assertions: [{ type: "json_schema", schema: { type: "object", properties: { hello: { const: "Ada" } }, required: ["hello"] } }] }],
    });
    const res = await runSuite(suite.id, ws.adminKey, { release_id: deployed.body.releases[0].id });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ pass_rate: 1, results: [{ passed: true, output: '{"hello": "Ada"}' }] });
  });

  it("a retry with the same Idempotency-Key replays the run instead of running it again", async () => {
    const ws = await createWorkspace();
    const { releases } = await deployPrompt(ws, "capitals", capitalsSpec());
    const suite = await createSuite(ws, { name: "capitals", cases: capitalCases.slice(1) });
    const send = (body: Record<string, unknown>) => call(`/v1/test-suites/${suite.id}/runs`, { key: ws.adminKey, body, headers: { "idempotency-key": "run-1" } });
    const first = await send({ release_id: releases.staging });
    const again = await send({ release_id: releases.staging });
    expect([first.status, again.status]).toEqual([201, 201]);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(again.body).toEqual(first.body);
    expectProblem(await send({ release_id: releases.staging, environment: "staging" }), 422, "IDEMPOTENCY_KEY_REUSED");
    const runs = await env.DB.prepare("SELECT COUNT(*) AS n FROM test_suite_runs WHERE workspace_id = ?").bind(ws.id).first<{ n: number }>();
    expect(runs!.n).toBe(1);
  });
});

describe("running a suite against a sandbox draft", () => {
  it("tests the draft's revision in the environment named, without deploying it", async () => {
    const ws = await createWorkspace();
    const sandbox = await createSandbox(ws, "capitals", capitalsSpec({ France: "Paris" }));
    await saveSandbox(ws, sandbox.id, capitalsSpec({ France: "Paris", Japan: "Tokyo" }));
    await deployPrompt(ws, "paris-judge", parisJudgeSpec, ["development"]);
    const suite = await createSuite(ws, { name: "capitals", cases: capitalCases.slice(0, 2) });

    const before = await storageSnapshot();
    const unnamed = await runSuite(suite.id, ws.adminKey, { sandbox_id: sandbox.id });
    expect(expectProblem(unnamed, 400, "VALIDATION_FAILED").errors).toEqual([{ path: "body.environment", message: "Required for workspace keys" }]);
    expect(await storageSnapshot()).toEqual(before);

    const latest = await runSuite(suite.id, ws.adminKey, { sandbox_id: sandbox.id, environment: "development" });
    expect(latest.status).toBe(201);
    const revision2 = await env.DB.prepare("SELECT content_hash FROM sandbox_revisions WHERE sandbox_id = ? AND revision = 2").bind(sandbox.id).first<{ content_hash: string }>();
    expect(latest.body).toMatchObject({
      release_id: null,
      environment: null,
      sandbox_id: sandbox.id,
      sandbox_revision: 2,
      content_hash: revision2!.content_hash,
      passed_cases: 2,
      pass_rate: 1,
    });
    expect(latest.body.results[0].assertions[1]).toMatchObject({ type: "evaluator", passed: true, score: 1 });
    expect(
      (await env.DB.prepare("SELECT COUNT(*) AS n FROM releases WHERE workspace_id = ? AND deployment_id = ?").bind(ws.id, sandbox.deployment_id).first<{ n: number }>())!.n,
    ).toBe(0);

    const developmentKey = (await ws.key({ environment: "development", scopes: ["execute"] })).key;
    const first = await runSuite(suite.id, developmentKey, { sandbox_id: sandbox.id, sandbox_revision: 1 });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ sandbox_revision: 1, passed_cases: 1, pass_rate: 0.5, results: [{ passed: true }, { passed: false, output: "I do not know" }] });

    // A draft's run is shared like the sandbox: any key that reads anywhere sees it.
    const productionRead = (await ws.key({ environment: "production", scopes: ["read"] })).key;
    expect((await call(`/v1/test-suite-runs/${first.body.id}`, { key: productionRead })).body).toEqual(first.body);
    expect((await call(`/v1/test-suites/${suite.id}/runs`, { key: productionRead })).body.data.map((r: { id: string }) => r.id)).toEqual([first.body.id, latest.body.id]);
  });
});

describe("who may run and read", () => {
  it("a staging key can neither run against nor read a production release's runs: 404, and nothing changes", async () => {
    const ws = await createWorkspace();
    const { releases } = await deployPrompt(ws, "capitals", capitalsSpec());
    await deployPrompt(ws, "paris-judge", parisJudgeSpec);
    const promoted = await call(`/v1/releases/${releases.staging}/promote`, { key: ws.adminKey, body: { environments: ["production"] } });
    const productionRelease = promoted.body.results[0].release.id as string;
    const suite = await createSuite(ws, { name: "capitals", cases: capitalCases });
    const productionRun = await runSuite(suite.id, ws.adminKey, { release_id: productionRelease });
    expect(productionRun.status).toBe(201);
    expect(productionRun.body.environment).toBe("production");
    const stagingKey = (await ws.key({ environment: "staging", scopes: ["read", "execute", "deploy", "promote"] })).key;
    const other = await createWorkspace("Other");
    const readOnly = (await ws.key({ environment: "staging", scopes: ["read"] })).key;
    const executeOnly = (await ws.key({ environment: "staging", scopes: ["execute"] })).key;

    const before = await storageSnapshot();
    const runThere = await runSuite(suite.id, stagingKey, { release_id: productionRelease });
    expect(expectProblem(runThere, 404, "NOT_FOUND").errors).toEqual([{ path: "body.release_id", message: "Unknown release" }]);
    expectProblem(await call(`/v1/test-suite-runs/${productionRun.body.id}`, { key: stagingKey }), 404, "NOT_FOUND");
    expect((await call(`/v1/test-suites/${suite.id}/runs`, { key: stagingKey })).body).toEqual({ data: [], next_cursor: null });
    expectProblem(
      await runSuite(suite.id, stagingKey, { sandbox_id: (await call("/v1/sandboxes", { key: stagingKey })).body.data[0].id, environment: "production" }),
      404,
      "NOT_FOUND",
    );
    expectProblem(await runSuite(suite.id, other.adminKey, { release_id: releases.staging }), 404, "NOT_FOUND");
    expectProblem(await call(`/v1/test-suite-runs/${productionRun.body.id}`, { key: other.adminKey }), 404, "NOT_FOUND");
    expectProblem(await call(`/v1/test-suites/${suite.id}`, { key: other.adminKey }), 404, "NOT_FOUND");
    // Seeing the release is not enough: the cases run with the environment's models and secrets.
    expectProblem(await runSuite(suite.id, readOnly, { release_id: releases.staging }), 403, "INSUFFICIENT_SCOPE");
    expectProblem(await runSuite(suite.id, executeOnly, { release_id: releases.staging }), 403, "INSUFFICIENT_SCOPE");
    expect(await storageSnapshot()).toEqual(before);
  });
});

describe("bad run requests are refused with a problem naming the field, and nothing changes", () => {
  it.each<[string, Record<string, unknown>, unknown[], number, string[]]>([
    ["both release_id and sandbox_id", { release_id: "$release", sandbox_id: "$sandbox" }, capitalCases, 400, ["body.release_id", "body.sandbox_id"]],
    ["neither release_id nor sandbox_id", {}, capitalCases, 400, ["body.release_id"]],
    ["environment with a release", { release_id: "$release", environment: "staging" }, capitalCases, 400, ["body.environment"]],
    ["a sandbox revision of the wrong type", { sandbox_id: "$sandbox", sandbox_revision: "one" }, capitalCases, 400, ["body.sandbox_revision"]],
    ["an unknown field", { release_id: "$release", inputs: {} }, capitalCases, 400, ["body.inputs"]],
    ["a case with an unknown variable", { release_id: "$release" }, [capitalCases[0], { inputs: { country: "Peru", colour: "red" } }], 400, ["test_suite.cases[1].inputs.colour"]],
    ["a case missing a required input", { release_id: "$release" }, [{ inputs: {} }], 400, ["test_suite.cases[0].inputs"]],
    ["a case input of the wrong type", { sandbox_id: "$sandbox", environment: "staging" }, [{ inputs: { country: 7 } }], 400, ["test_suite.cases[0].inputs.country"]],
    ["an unknown release", { release_id: "rel_unknown" }, capitalCases, 404, ["body.release_id"]],
    ["an unknown sandbox", { sandbox_id: "sbx_unknown", environment: "staging" }, capitalCases, 404, ["body.sandbox_id"]],
    ["an unknown sandbox revision", { sandbox_id: "$sandbox", sandbox_revision: 9, environment: "staging" }, capitalCases, 404, ["body.sandbox_revision"]],
  ])("%s", async (_, request, cases, status, fields) => {
    const ws = await createWorkspace();
    const { sandbox, releases } = await deployPrompt(ws, "capitals", capitalsSpec());
    const suite = await createSuite(ws, { name: "capitals", cases });
    const body = Object.fromEntries(Object.entries(request).map(([k, v]) => [k, v === "$release" ? releases.staging : v === "$sandbox" ? sandbox.id : v]));
    const before = await storageSnapshot();
    const problem = expectProblem(await runSuite(suite.id, ws.adminKey, body), status);
    expect((problem.errors as { path: string }[]).map((e) => e.path)).toEqual(fields);
    expect(await storageSnapshot()).toEqual(before);
  });

  it("an unknown suite → 404", async () => {
    const ws = await createWorkspace();
    const { releases } = await deployPrompt(ws, "capitals", capitalsSpec());
    expectProblem(await runSuite("ts_unknown", ws.adminKey, { release_id: releases.staging }), 404, "NOT_FOUND");
    expectProblem(await call("/v1/test-suite-runs/tsr_unknown", { key: ws.adminKey }), 404, "NOT_FOUND");
    expectProblem(await call("/v1/test-suites/ts_unknown/runs", { key: ws.adminKey }), 404, "NOT_FOUND");
    expectProblem(await call("/v1/test-suites/ts_unknown/runs?cursor=nonsense", { key: ws.adminKey }), 400, "VALIDATION_FAILED");
  });
});

describe("failures inside a run", () => {
  it("an upstream 500 fails its case with the error; the other cases pass and the run completes", async () => {
    const ws = await createWorkspace();
    const release = await upstreamDeployment(ws);
    mockNetwork(async (request) => ((await request.text()).includes("break") ? new Response("upstream exploded", { status: 500 }) : completion("Paris")));
    const suite = await createSuite(ws, {
      name: "upstream",
      cases: [
        { name: "fine", inputs: { question: "Capital of France?" }, assertions: [{ type: "contains", value: "Paris" }] },
        { name: "broken", inputs: { question: "Please break" }, assertions: [{ type: "contains", value: "Paris" }] },
        { name: "fine again", inputs: { question: "And again?" }, assertions: [{ type: "exact_match", value: "Paris" }] },
      ],
    });
    const res = await runSuite(suite.id, ws.adminKey, { release_id: release.id });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ status: "completed", total_cases: 3, passed_cases: 2, pass_rate: 2 / 3 });
    expect(res.body.results[1]).toMatchObject({ name: "broken", passed: false, output: null, error: expect.stringMatching(/^PROVIDER_ERROR: /), assertions: [] });
    expect(JSON.stringify(res.body)).not.toContain("sk-test-upstream-secret");
    expect(await auditActions(ws, "test_suite_run.completed")).toHaveLength(1);
  });

  it("a template that fails on a case's inputs fails that case only", async () => {
    const ws = await createWorkspace();
    const spec = {
      input_variables: [{ key: "items", type: "JSON" }],
      model: { provider: "echo", name: "echo" },
      blocks: [{ role: "user", template: "{% for item in items %}{{ item.name.upper() }} {% endfor %}" }],
    };
    const { releases } = await deployPrompt(ws, "lister", spec);
    const suite = await createSuite(ws, {
      name: "lister",
      cases: [
        { name: "names", inputs: { items: [{ name: "a" }, { name: "b" }] }, assertions: [{ type: "exact_match", value: "A B " }] },
        { name: "not a list", inputs: { items: 5 }, assertions: [{ type: "valid_json" }] },
      ],
    });
    const res = await runSuite(suite.id, ws.adminKey, { release_id: releases.staging });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ passed_cases: 1, results: [{ passed: true }, { passed: false, output: null, error: expect.stringMatching(/^INVALID_INPUTS: /) }] });
  });
});
