import { beforeAll, describe, expect, it } from "vitest";
import { call, createWorkspace, expectProblem, storageSnapshot, type TestWorkspace } from "../harness";
import { createSandbox, deploy } from "../lifecycle/fixtures";
import { at, deliver, executionRecord, metrics } from "./seed";

let ws: TestWorkspace;
let stagingKey: string;
let stagingRelease: string;
let productionRelease: string;
let otherWorkspaceRelease: string;

beforeAll(async () => {
  ws = await createWorkspace();
  stagingKey = (await ws.key({ environment: "staging", scopes: ["read"] })).key;
  const faq = await createSandbox(ws, "faq");
  stagingRelease = (await deploy(ws, faq.id, ["staging"])).body.releases[0].id;
  productionRelease = (await call(`/v1/releases/${stagingRelease}/promote`, { key: ws.adminKey, body: { environments: ["production"] } })).body.results[0].release.id;
  // A deployment with releases in development only.
  const solo = await createSandbox(ws, "solo");
  expect((await deploy(ws, solo.id, ["development"], { deployment_name: "solo" })).status).toBe(201);
  await deliver([
    executionRecord({
      workspace_id: ws.id,
      environment_id: ws.environments.production!.id,
      deployment_id: faq.deployment_id,
      release_id: productionRelease,
      started_at: at("2026-03-10T10:00:00Z"),
      latency_ms: 10,
    }),
  ]);
  const other = await createWorkspace("Other");
  const otherSandbox = await createSandbox(other, "faq");
  otherWorkspaceRelease = (await deploy(other, otherSandbox.id, ["staging"])).body.releases[0].id;
});

const RANGE = { from: "2026-03-10T00:00:00Z", to: "2026-03-11T00:00:00Z" };

async function expectRefused(key: string, query: Record<string, string>, status: number, field?: string) {
  const before = await storageSnapshot();
  const res = await metrics(key, query);
  const problem = expectProblem(res, status);
  if (field) expect((problem.errors as { path: string }[]).map((e) => e.path)).toContain(field);
  expect(await storageSnapshot()).toEqual(before);
  return problem;
}

describe("GET /v1/metrics isolation", () => {
  it("a staging key cannot see production's metrics: 404, as if production did not exist", async () => {
    const problem = await expectRefused(stagingKey, { ...RANGE, environment: "production" }, 404);
    expect(problem.code).toBe("NOT_FOUND");
    expect(JSON.stringify(problem)).not.toContain(productionRelease);
  });

  it("another environment's release, another workspace's release and an unknown one are all the same 404", async () => {
    const details = [];
    for (const release of [productionRelease, otherWorkspaceRelease, "rel_01jdz8k2m3n4p5q6r7s8t9v0w1"]) {
      const problem = await expectRefused(stagingKey, { ...RANGE, release }, 404, "query.release");
      details.push((problem.detail as string).replace(release, "<id>"));
    }
    expect(new Set(details).size).toBe(1);
  });

  it("a deployment with no release in this environment is a 404 like an unknown one", async () => {
    await expectRefused(stagingKey, { ...RANGE, deployment: "solo" }, 404, "query.deployment");
    await expectRefused(stagingKey, { ...RANGE, deployment: "nothing-here" }, 404, "query.deployment");
    // A release of the environment that is not the named deployment's.
    await expectRefused(stagingKey, { ...RANGE, deployment: "solo", release: stagingRelease }, 404, "query.deployment");
    const developmentKey = (await ws.key({ environment: "development", scopes: ["read"] })).key;
    await expectRefused(developmentKey, { ...RANGE, deployment: "solo", release: stagingRelease }, 404, "query.release");
  });

  it("needs a key with read; a workspace key must name the environment", async () => {
    expectProblem(await metrics("", RANGE), 401, "UNAUTHENTICATED");
    const executeOnly = (await ws.key({ environment: "staging", scopes: ["execute"] })).key;
    await expectRefused(executeOnly, RANGE, 403);
    await expectRefused(ws.adminKey, RANGE, 400, "query.environment");
    const staging = await metrics(stagingKey, RANGE);
    expect(staging.status).toBe(200);
    expect(staging.body.overall.executions).toBe(0);
  });
});

describe("GET /v1/metrics bad input", () => {
  it.each([
    [{ from: "yesterday" }, "query.from"],
    [{ to: "2026-13-01T00:00:00Z" }, "query.to"],
    [{ from: "2026-03-10" }, "query.from"],
    [{ from: "2026-03-11T00:00:00Z", to: "2026-03-10T00:00:00Z" }, "query.from"],
    [{ from: "2026-03-10T00:00:00Z", to: "2026-03-10T00:00:00Z" }, "query.from"],
    [{ from: "2026-03-10T05:00:00+05:00", to: "2026-03-10T00:00:00Z" }, "query.from"],
    [{ from: "2026-01-01T00:00:00Z", to: "2026-04-03T00:00:01Z" }, "query.from"],
    [{ from: "2999-01-01T00:00:00Z" }, "query.from"],
    [{ to: "1999-01-01T00:00:00Z", from: "1970-01-01T00:00:00Z" }, "query.from"],
    [{ bucket: "2h" }, "query.bucket"],
    [{ bucket: "" }, "query.bucket"],
    [{ group_by: "deployment" }, "query.group_by"],
    [{ release: "r".repeat(65) }, "query.release"],
    [{ deployment: "d".repeat(101) }, "query.deployment"],
  ])("%o → 400 naming %s, nothing changed", async (query, field) => {
    const problem = await expectRefused(stagingKey, query as Record<string, string>, 400, field);
    expect(problem.code).toBe("VALIDATION_FAILED");
  });

  it("dates at the edges of the calendar answer, never 500", async () => {
    const queries: Record<string, string>[] = [
      { from: "0001-01-01T00:00:00Z", to: "0001-01-02T00:00:00Z" },
      { from: "9999-12-31T00:00:00Z", to: "9999-12-31T23:59:59.999Z", bucket: "6h" },
      { from: "2026-03-10T05:00:00.123456789+05:30", to: "2026-03-10T06:00:00-00:30" },
    ];
    for (const query of queries) {
      const res = await metrics(stagingKey, query);
      expect(res.status).toBe(200);
      expect(res.body.overall.executions).toBe(0);
    }
  });

  it("a range of exactly 92 days is accepted", async () => {
    const res = await metrics(stagingKey, { from: "2026-01-01T00:00:00Z", to: "2026-04-03T00:00:00Z", bucket: "1d" });
    expect(res.status).toBe(200);
    expect(res.body.buckets).toHaveLength(92);
  });
});
