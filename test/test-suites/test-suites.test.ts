import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { call, createWorkspace, expectProblem, storageSnapshot } from "../harness";
import { createSuite, deployPrompt, parrotSpec } from "./fixtures";

const exact = (value: string) => ({ type: "exact_match", value });

describe("test suites", () => {
  it("are shared by every environment: a deploy key anywhere creates, a read key anywhere reads", async () => {
    const ws = await createWorkspace();
    const stagingDeploy = (await ws.key({ environment: "staging", scopes: ["deploy"] })).key;
    const productionRead = (await ws.key({ environment: "production", scopes: ["read"] })).key;
    const created = await call("/v1/test-suites", {
      key: stagingDeploy,
      body: {
        name: "capitals",
        description: "Knows its capitals",
        cases: [{ name: "France", inputs: { country: "France" }, expected: "Paris", assertions: [{ type: "exact_match" }] }],
      },
    });
    expect(created.status).toBe(201);
    expect(created.headers.get("etag")).toBe('"1"');
    expect(created.body).toMatchObject({
      id: expect.stringMatching(/^ts_/),
      name: "capitals",
      description: "Knows its capitals",
      revision: 1,
      cases: [{ id: expect.stringMatching(/^tc_/), name: "France", inputs: { country: "France" }, expected: "Paris", assertions: [{ type: "exact_match" }] }],
    });

    const read = await call(`/v1/test-suites/${created.body.id}`, { key: productionRead });
    expect(read.status).toBe(200);
    expect(read.body).toEqual(created.body);
    const list = await call("/v1/test-suites?limit=1", { key: productionRead });
    expect(list.status).toBe(200);
    expect(list.body).toEqual({ data: [created.body], next_cursor: null });

    const audit = await env.DB.prepare("SELECT action, target_id, environment_id FROM audit_events WHERE workspace_id = ? AND target_type = 'test_suite'").bind(ws.id).all();
    expect(audit.results).toEqual([{ action: "test_suite.created", target_id: created.body.id, environment_id: null }]);

    const before = await storageSnapshot();
    expectProblem(await call("/v1/test-suites", { key: productionRead, body: { name: "other", cases: [] } }), 403, "INSUFFICIENT_SCOPE");
    expectProblem(await call("/v1/test-suites", { key: stagingDeploy, body: { name: "capitals", cases: [] } }), 409, "TEST_SUITE_NAME_TAKEN");
    expectProblem(await call(`/v1/test-suites/ts_unknown`, { key: productionRead }), 404, "NOT_FOUND");
    expect(await storageSnapshot()).toEqual(before);
  });

  it("a save replaces the cases at a new revision, keeping the ids sent back and giving new cases new ids", async () => {
    const ws = await createWorkspace();
    const suite = await createSuite(ws, {
      name: "s",
      cases: [
        { name: "one", inputs: { text: "1" }, assertions: [exact("1")] },
        { name: "two", inputs: { text: "2" } },
      ],
    });
    const [one] = suite.cases;
    const saved = await call(`/v1/test-suites/${suite.id}`, {
      method: "PATCH",
      key: ws.adminKey,
      headers: { "if-match": '"1"' },
      body: {
        description: "edited",
        cases: [
          { id: one!.id, name: "one, renamed", inputs: { text: "1" } },
          { name: "three", inputs: { text: "3" } },
        ],
      },
    });
    expect(saved.status).toBe(200);
    expect(saved.headers.get("etag")).toBe('"2"');
    expect(saved.body).toMatchObject({ name: "s", description: "edited", revision: 2 });
    expect(saved.body.cases.map((c: { id: string; name: string | null }) => [c.id, c.name])).toEqual([
      [one!.id, "one, renamed"],
      [expect.stringMatching(/^tc_/), "three"],
    ]);
    expect(saved.body.cases[1].id).not.toBe(suite.cases[1]!.id);

    await createSuite(ws, { name: "taken", cases: [] });
    const before = await storageSnapshot();
    expectProblem(await call(`/v1/test-suites/${suite.id}`, { method: "PATCH", key: ws.adminKey, headers: { "if-match": '"1"' }, body: { name: "stale" } }), 412, "STALE_REVISION");
    expectProblem(
      await call(`/v1/test-suites/${suite.id}`, { method: "PATCH", key: ws.adminKey, headers: { "if-match": '"two"' }, body: { name: "x" } }),
      400,
      "VALIDATION_FAILED",
    );
    expectProblem(await call(`/v1/test-suites/${suite.id}`, { method: "PATCH", key: ws.adminKey, body: { name: "taken" } }), 409, "TEST_SUITE_NAME_TAKEN");
    expectProblem(await call("/v1/test-suites/ts_unknown", { method: "PATCH", key: ws.adminKey, body: { name: "y" } }), 404, "NOT_FOUND");
    expect(await storageSnapshot()).toEqual(before);
  });
});

describe("a test suite's deployment", () => {
  it("is given by id or name, shown with its name, filters the list, and can be cleared with null", async () => {
    const ws = await createWorkspace();
    const faq = await deployPrompt(ws, "faq", parrotSpec);
    await deployPrompt(ws, "summary", parrotSpec);
    const deploymentId = (await call("/v1/deployments/faq", { key: ws.adminKey })).body.id as string;
    const byName = await call("/v1/test-suites", { key: ws.adminKey, body: { name: "faq smoke", deployment: "faq", cases: [] } });
    expect(byName.status).toBe(201);
    expect(byName.body).toMatchObject({ deployment_id: deploymentId, deployment: "faq" });
    const byId = await createSuite(ws, { name: "faq more", deployment: deploymentId, cases: [] });
    const summary = await createSuite(ws, { name: "summary smoke", deployment: "summary", cases: [] });
    const drafts = await createSuite(ws, { name: "drafts", cases: [] });
    expect(drafts).toMatchObject({ deployment_id: null, deployment: null });
    expect((await call(`/v1/test-suites/${byId.id}`, { key: ws.adminKey })).body).toMatchObject({ deployment_id: deploymentId, deployment: "faq" });
    expect(faq.releases.staging).toBeDefined();

    const names = async (query: string) => (await call(`/v1/test-suites${query}`, { key: ws.adminKey })).body.data.map((s: { name: string }) => s.name);
    expect(await names("?deployment=faq")).toEqual(["faq more", "faq smoke"]);
    expect(await names(`?deployment=${deploymentId}&limit=1`)).toEqual(["faq more"]);
    expect(await names("?deployment=summary")).toEqual(["summary smoke"]);
    expect(await names("")).toHaveLength(4);

    const before = await storageSnapshot();
    const unknown = await call("/v1/test-suites", { key: ws.adminKey, body: { name: "x", deployment: "nowhere", cases: [] } });
    expect(expectProblem(unknown, 400, "VALIDATION_FAILED").errors).toEqual([expect.objectContaining({ path: "body.deployment" })]);
    const unknownSave = await call(`/v1/test-suites/${summary.id}`, { method: "PATCH", key: ws.adminKey, body: { deployment: "nowhere" } });
    expect(expectProblem(unknownSave, 400, "VALIDATION_FAILED").errors).toEqual([expect.objectContaining({ path: "body.deployment" })]);
    const unknownFilter = await call("/v1/test-suites?deployment=nowhere", { key: ws.adminKey });
    expect(expectProblem(unknownFilter, 400, "VALIDATION_FAILED").errors).toEqual([expect.objectContaining({ path: "query.deployment" })]);
    expect(await storageSnapshot()).toEqual(before);

    const moved = await call(`/v1/test-suites/${summary.id}`, { method: "PATCH", key: ws.adminKey, body: { deployment: "faq" } });
    expect(moved.body).toMatchObject({ deployment_id: deploymentId, deployment: "faq", revision: 2 });
    const cleared = await call(`/v1/test-suites/${summary.id}`, { method: "PATCH", key: ws.adminKey, body: { deployment: null } });
    expect(cleared.body).toMatchObject({ deployment_id: null, deployment: null, revision: 3 });
    const row = await env.DB.prepare("SELECT deployment_id FROM test_suites WHERE id = ?").bind(summary.id).first("deployment_id");
    expect(row).toBeNull();
  });
});

describe("a save keeps the ids of the cases the suite holds and invents none", () => {
  it("refuses a case id the suite does not hold, naming it, and changes nothing", async () => {
    const ws = await createWorkspace();
    const suite = await createSuite(ws, { name: "s", cases: [{ id: "first", inputs: { text: "1" } }] });
    const before = await storageSnapshot();
    const invented = await call(`/v1/test-suites/${suite.id}`, {
      method: "PATCH",
      key: ws.adminKey,
      body: {
        cases: [
          { id: "first", inputs: { text: "1" } },
          { id: "made-up", inputs: { text: "2" } },
        ],
      },
    });
    expect(expectProblem(invented, 400, "VALIDATION_FAILED").errors).toEqual([expect.objectContaining({ path: "body.cases[1].id" })]);
    expect(await storageSnapshot()).toEqual(before);
    const kept = await call(`/v1/test-suites/${suite.id}`, {
      method: "PATCH",
      key: ws.adminKey,
      body: { cases: [{ id: "first", inputs: { text: "one" } }, { inputs: { text: "2" } }] },
    });
    expect(kept.body.cases.map((c: { id: string }) => c.id)).toEqual(["first", expect.stringMatching(/^tc_/)]);
  });
});

describe("bad cases are refused with 400 naming the field, and nothing changes", () => {
  const one = (assertion: unknown, extra: Record<string, unknown> = {}) => [{ inputs: { text: "x" }, assertions: [assertion], ...extra }];
  it.each<[string, unknown, string]>([
    ["a regex that does not compile", one({ type: "regex", pattern: "(unclosed" }), "body.cases[0].assertions[0].pattern"],
    ["a regex longer than 500 characters", one({ type: "regex", pattern: "a".repeat(501) }), "body.cases[0].assertions[0].pattern"],
    ["regex flags other than imsu", one({ type: "regex", pattern: "a", flags: "g" }), "body.cases[0].assertions[0].flags"],
    ["a schema with an unknown type", one({ type: "json_schema", schema: { type: "strin" } }), "body.cases[0].assertions[0].schema"],
    ["a schema whose required is not a list", one({ type: "json_schema", schema: { type: "object", required: "name" } }), "body.cases[0].assertions[0].schema"],
    ["a schema with an invalid pattern", one({ type: "json_schema", schema: { properties: { a: { pattern: "(" } } } }), "body.cases[0].assertions[0].schema"],
    ["a schema whose $ref names nothing", one({ type: "json_schema", schema: { $ref: "#/$defs/missing" } }), "body.cases[0].assertions[0].schema"],
    ["a schema with a remote $ref", one({ type: "json_schema", schema: { $ref: "https://example.com/schema.json" } }), "body.cases[0].assertions[0].schema"],
    ["a schema that is not an object", one({ type: "json_schema", schema: "string" }), "body.cases[0].assertions[0].schema"],
    ["exact_match without a value or a string expected", one({ type: "exact_match" }, { expected: { a: 1 } }), "body.cases[0].assertions[0].value"],
    ["an unknown assertion type", one({ type: "similar_to", value: "x" }), "body.cases[0].assertions[0]"],
    ["an evaluator without min_score", one({ type: "evaluator", deployment: "judge" }), "body.cases[0].assertions[0].min_score"],
    ["an evaluator whose min_score is above its max_score", one({ type: "evaluator", deployment: "judge", min_score: 8, max_score: 5 }), "body.cases[0].assertions[0].min_score"],
    ["an evaluator naming no valid deployment", one({ type: "evaluator", deployment: "has spaces", min_score: 1 }), "body.cases[0].assertions[0].deployment"],
    ["an unknown field on an assertion", one({ type: "valid_json", strict: true }), "body.cases[0].assertions[0].strict"],
    [
      "two cases with one id",
      [
        { id: "same", inputs: {} },
        { id: "same", inputs: {} },
      ],
      "body.cases[1].id",
    ],
    ["a case without inputs", [{ assertions: [] }], "body.cases[0].inputs"],
    ["more than 200 cases", Array.from({ length: 201 }, () => ({ inputs: {} })), "body.cases"],
    ["more than 20 assertions", [{ inputs: {}, assertions: Array.from({ length: 21 }, () => ({ type: "valid_json" })) }], "body.cases[0].assertions"],
  ])("%s", async (_, cases, field) => {
    const ws = await createWorkspace();
    const suite = await createSuite(ws, { name: "existing", cases: [] });
    const before = await storageSnapshot();
    for (const request of [
      { method: "POST", path: "/v1/test-suites", body: { name: "new", cases } },
      { method: "PATCH", path: `/v1/test-suites/${suite.id}`, body: { cases } },
    ]) {
      const res = await call(request.path, { method: request.method, key: ws.adminKey, body: request.body });
      const problem = expectProblem(res, 400, "VALIDATION_FAILED");
      const paths = (problem.errors as { path: string }[]).map((e) => e.path);
      expect(
        paths.some((p) => p === field || p.startsWith(`${field}.`)),
        `${paths} names ${field}`,
      ).toBe(true);
    }
    expect(await storageSnapshot()).toEqual(before);
  });
});

describe("concurrent saves", () => {
  it("never land two saves on one revision: each is saved at its own revision or refused with 409", async () => {
    const ws = await createWorkspace();
    const suite = await createSuite(ws, { name: "busy", cases: [] });
    const saves = await Promise.all(
      Array.from({ length: 5 }, (_, i) => call(`/v1/test-suites/${suite.id}`, { method: "PATCH", key: ws.adminKey, body: { description: `save ${i}` } })),
    );
    const saved = saves.filter((r) => r.status === 200);
    for (const refused of saves.filter((r) => r.status !== 200)) expectProblem(refused, 409, "CONCURRENT_MODIFICATION");
    expect(saved.length).toBeGreaterThan(0);
    expect(saved.map((r) => r.body.revision).sort()).toEqual(Array.from({ length: saved.length }, (_, i) => i + 2));
    const final = await call(`/v1/test-suites/${suite.id}`, { key: ws.adminKey });
    expect(final.body.revision).toBe(1 + saved.length);
    const updates = await env.DB.prepare("SELECT COUNT(*) AS n FROM audit_events WHERE workspace_id = ? AND action = 'test_suite.updated'").bind(ws.id).first<{ n: number }>();
    expect(updates!.n).toBe(saved.length);
  });
});

describe("null in a test suite PATCH", () => {
  it("clears the description, is refused for the name and the cases, and a case read back with no name saves as it was read", async () => {
    const ws = await createWorkspace();
    const suite = await createSuite(ws, { name: "nulls", description: "to clear", cases: [{ inputs: { country: "Peru" }, assertions: [{ type: "exact_match", value: "Lima" }] }] });
    expect(suite.cases[0]!.name).toBeNull();

    const before = await storageSnapshot();
    for (const field of ["name", "cases"]) {
      const refused = await call(`/v1/test-suites/${suite.id}`, { method: "PATCH", key: ws.adminKey, body: { [field]: null } });
      expect(expectProblem(refused, 400, "VALIDATION_FAILED").errors).toEqual([{ path: `body.${field}`, message: "Cannot be cleared" }]);
    }
    expect(await storageSnapshot()).toEqual(before);

    const cleared = await call(`/v1/test-suites/${suite.id}`, { method: "PATCH", key: ws.adminKey, body: { description: null } });
    expect(cleared.status).toBe(200);
    expect(cleared.body).toMatchObject({ description: "", revision: 2 });

    const read = await call(`/v1/test-suites/${suite.id}`, { key: ws.adminKey });
    const roundTrip = await call(`/v1/test-suites/${suite.id}`, { method: "PATCH", key: ws.adminKey, body: { cases: read.body.cases, description: "again" } });
    expect(roundTrip.status).toBe(200);
    expect(roundTrip.body.cases).toEqual(read.body.cases);
  });
});
