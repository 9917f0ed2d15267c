import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { firstNumber } from "../../src/testing/assertions";
import { createWorkspace, type TestWorkspace } from "../harness";
import { createSuite, deployPrompt, parisJudgeSpec, parrotSpec, runSuite } from "./fixtures";

/** Each case makes the parrot prompt answer `text`, and holds one assertion that should pass or fail on it. */
const cases = [
  { name: "exact_match passes", inputs: { text: "Paris" }, assertions: [{ type: "exact_match", value: "Paris" }] },
  { name: "exact_match fails", inputs: { text: "Paris, France" }, assertions: [{ type: "exact_match", value: "Paris" }] },
  { name: "exact_match takes expected", inputs: { text: "Lyon" }, expected: "Lyon", assertions: [{ type: "exact_match" }] },
  { name: "contains ignoring case passes", inputs: { text: "The capital is PARIS." }, assertions: [{ type: "contains", value: "paris", case_sensitive: false }] },
  { name: "contains fails", inputs: { text: "The capital is PARIS." }, assertions: [{ type: "contains", value: "paris" }] },
  { name: "regex passes", inputs: { text: "Due 2026-11-26" }, assertions: [{ type: "regex", pattern: "\\d{4}-\\d{2}-\\d{2}$" }] },
  { name: "regex fails", inputs: { text: "Due 26/11/2026" }, assertions: [{ type: "regex", pattern: "^\\d{4}-\\d{2}-\\d{2}$", flags: "m" }] },
  { name: "valid_json passes", inputs: { text: '{"answer": "Paris"}' }, assertions: [{ type: "valid_json" }] },
  { name: "valid_json fails", inputs: { text: "{answer: Paris}" }, assertions: [{ type: "valid_json" }] },
  {
    name: "json_schema passes",
    inputs: { text: '{"answer": "Paris", "confidence": 0.9}' },
    assertions: [{ type: "json_schema", schema: { type: "object", required: ["answer"], properties: { confidence: { type: "number", maximum: 1 } } } }],
  },
  {
    name: "json_schema fails",
    inputs: { text: '{"confidence": 3}' },
    assertions: [{ type: "json_schema", schema: { type: "object", required: ["answer"], properties: { confidence: { type: "number", maximum: 1 } } } }],
  },
  { name: "json_schema on text", inputs: { text: "Paris" }, assertions: [{ type: "json_schema", schema: { type: "string" } }] },
  { name: "evaluator passes", inputs: { text: "Paris is the capital." }, assertions: [{ type: "evaluator", deployment: "paris-judge", min_score: 1 }] },
  { name: "evaluator fails", inputs: { text: "Lyon is the capital." }, assertions: [{ type: "evaluator", deployment: "paris-judge", min_score: 0.5 }] },
  { name: "evaluator with expected", inputs: { text: "Paris" }, expected: "Paris", assertions: [{ type: "evaluator", deployment: "match-judge", min_score: 5 }] },
  { name: "evaluator without a number", inputs: { text: "Paris" }, assertions: [{ type: "evaluator", deployment: "wordy-judge", min_score: 1 }] },
  { name: "evaluator not deployed here", inputs: { text: "Paris" }, assertions: [{ type: "evaluator", deployment: "nowhere-judge", min_score: 1 }] },
  { name: "no assertions", inputs: { text: "anything" } },
  {
    name: "all must pass",
    inputs: { text: "Paris" },
    assertions: [
      { type: "contains", value: "Par" },
      { type: "exact_match", value: "Rome" },
    ],
  },
];

const expectations: Record<string, { passed: boolean; messages: (string | RegExp)[]; scores?: (number | undefined)[] }> = {
  "exact_match passes": { passed: true, messages: ["The output equals the expected text"] },
  "exact_match fails": { passed: false, messages: ['Expected exactly "Paris", got "Paris, France"'] },
  "exact_match takes expected": { passed: true, messages: ["The output equals the expected text"] },
  "contains ignoring case passes": { passed: true, messages: ['The output contains "paris"'] },
  "contains fails": { passed: false, messages: ['The output does not contain "paris"'] },
  "regex passes": { passed: true, messages: ["The output matches /\\d{4}-\\d{2}-\\d{2}$/"] },
  "regex fails": { passed: false, messages: ["The output does not match /^\\d{4}-\\d{2}-\\d{2}$/m"] },
  "valid_json passes": { passed: true, messages: ["The output is valid JSON"] },
  "valid_json fails": { passed: false, messages: [/^The output is not valid JSON: /] },
  "json_schema passes": { passed: true, messages: ["The output is valid against the schema"] },
  "json_schema fails": { passed: false, messages: [/^The output does not fit the schema: .*required property "answer"/] },
  "json_schema on text": { passed: false, messages: [/^The output is not valid JSON/] },
  "evaluator passes": { passed: true, messages: ['The evaluator "paris-judge" scored 1 (at least 1)'], scores: [1] },
  "evaluator fails": { passed: false, messages: ['The evaluator "paris-judge" scored 0 (below 0.5)'], scores: [0] },
  "evaluator with expected": { passed: true, messages: ['The evaluator "match-judge" scored 10 (at least 5)'], scores: [10] },
  "evaluator without a number": { passed: false, messages: ['The evaluator "wordy-judge" answered without a number: "Excellent work"'] },
  "evaluator not deployed here": {
    passed: false,
    messages: ['The evaluator "nowhere-judge" failed: No release tagged "LATEST" of prompt deployment "nowhere-judge" in this environment'],
  },
  "no assertions": { passed: true, messages: [] },
  "all must pass": { passed: false, messages: ['The output contains "Par"', 'Expected exactly "Rome", got "Paris"'] },
};

let ws: TestWorkspace;
let run: { status: number; body: any };

beforeAll(async () => {
  ws = await createWorkspace();
  const { releases } = await deployPrompt(ws, "parrot", parrotSpec);
  await deployPrompt(ws, "paris-judge", parisJudgeSpec);
  await deployPrompt(ws, "match-judge", {
    input_variables: [
      { key: "output", type: "STRING" },
      { key: "expected", type: "STRING" },
    ],
    model: { provider: "echo", name: "echo" },
    blocks: [{ role: "user", template: "Score: {{ 10 if output == expected and not (output == 'x') else 2 }}/10" }],
  });
  await deployPrompt(ws, "wordy-judge", {
    input_variables: [{ key: "output", type: "STRING" }],
    model: { provider: "echo", name: "echo" },
    blocks: [{ role: "user", template: "Excellent work" }],
  });
  // Deployed, but only in development: the run tests staging.
  await deployPrompt(ws, "nowhere-judge", parisJudgeSpec, ["development"]);
  const suite = await createSuite(ws, { name: "assertions", cases });
  run = await runSuite(suite.id, ws.adminKey, { release_id: releases.staging });
});

describe("assertions", () => {
  it.each(cases.map((c) => c.name))("%s", async (name) => {
    expect(run.status).toBe(201);
    const result = (run.body.results as any[]).find((r) => r.name === name);
    const expected = expectations[name]!;
    expect(result.error).toBeNull();
    expect(result.passed).toBe(expected.passed);
    expect(result.assertions).toHaveLength(expected.messages.length);
    expected.messages.forEach((message, i) => {
      if (typeof message === "string") expect(result.assertions[i].message).toBe(message);
      else expect(result.assertions[i].message).toMatch(message);
    });
    if (expected.scores) expect(result.assertions.map((a: { score?: number }) => a.score)).toEqual(expected.scores);
  });

  it("the verdicts, messages and scores are stored with the run, and the pass rate counts passed cases", async () => {
    const passed = Object.values(expectations).filter((e) => e.passed).length;
    expect(run.body).toMatchObject({ status: "completed", total_cases: cases.length, passed_cases: passed, pass_rate: passed / cases.length });
    expect(run.body.mean_evaluator_score).toBeCloseTo((1 + 0 + 10) / 3);
    const row = await env.DB.prepare("SELECT status, total_cases, passed_cases, pass_rate, results FROM test_suite_runs WHERE id = ?")
      .bind(run.body.id)
      .first<Record<string, unknown>>();
    expect(row).toMatchObject({ status: "completed", total_cases: cases.length, passed_cases: passed, pass_rate: passed / cases.length });
    expect(JSON.parse(row!.results as string)).toEqual(run.body.results);
  });
});

describe("evaluator scores", () => {
  it.each([
    ["1", 1],
    ["Score: 0.75 out of 1", 0.75],
    ["4/5", 4],
    ["-2 points", -2],
    ["1e2", 100],
    [".5", 0.5],
    ["no number here", null],
  ])("%j → %s", (text, score) => {
    expect(firstNumber(text)).toBe(score);
  });
});
