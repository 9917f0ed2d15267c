import { z } from "zod";
import { schemaProblem } from "../lib/json-schema";
import type { FieldIssue } from "../lib/problem";

/** How many cases a suite may hold, and assertions a case: a run executes every case within one request. */
export const MAX_CASES = 200;
export const MAX_ASSERTIONS = 20;
/** Regular expressions run on model output; a short pattern bounds how badly one can backtrack. */
export const MAX_PATTERN_LENGTH = 500;

const DeploymentName = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/, "A deployment name: letters, digits, '.', '_' and '-', at most 100");

export const Assertion = z
  .discriminatedUnion("type", [
    z
      .strictObject({
        type: z.literal("exact_match"),
        value: z.string().max(20_000).optional().meta({ description: "Default: the case's `expected`, which must then be a string" }),
      })
      .meta({ id: "ExactMatchAssertion", description: "The whole output equals `value`." }),
    z
      .strictObject({
        type: z.literal("contains"),
        value: z.string().min(1).max(20_000).optional().meta({ description: "Default: the case's `expected`, which must then be a string" }),
        case_sensitive: z.boolean().optional().meta({ description: "Default true" }),
      })
      .meta({ id: "ContainsAssertion", description: "The output contains `value`." }),
    z
      .strictObject({
        type: z.literal("regex"),
        pattern: z
          .string()
          .min(1)
          .max(MAX_PATTERN_LENGTH)
          .meta({ description: `A JavaScript regular expression, at most ${MAX_PATTERN_LENGTH} characters`, example: "^\\d{4}-\\d{2}-\\d{2}$" }),
        flags: z
          .string()
          .regex(/^(?!.*(.).*\1)[imsu]*$/, "Any of i, m, s, u, each at most once")
          .optional(),
      })
      .meta({ id: "RegexAssertion", description: "The pattern matches somewhere in the output (anchor it with ^…$ for the whole)." }),
    z.strictObject({ type: z.literal("valid_json") }).meta({ id: "ValidJsonAssertion", description: "The output parses as JSON." }),
    z
      .strictObject({
        type: z.literal("json_schema"),
        schema: z
          .union([z.record(z.string(), z.unknown()), z.boolean()])
          .meta({ description: "A JSON Schema (draft 2020-12); checked when the suite is saved", example: { type: "object", required: ["answer"] } }),
      })
      .meta({ id: "JsonSchemaAssertion", description: "The output parses as JSON and the value is valid against `schema`." }),
    z
      .strictObject({
        type: z.literal("evaluator"),
        deployment: DeploymentName.meta({ description: "A prompt deployment, run in the environment under test" }),
        release_tag: z.string().min(1).max(100).optional().meta({ description: "Default LATEST" }),
        min_score: z.number().meta({ description: "Passes when the score is at least this" }),
        max_score: z.number().positive().optional().meta({
          description: "The top of the evaluator's scale (default 1): a release's scores from 0 to this count, divided by it, as quality in its metrics",
        }),
      })
      .meta({
        id: "EvaluatorAssertion",
        description:
          "Runs an evaluator prompt deployment on the output. Of `output` (the text under test), `expected` (the case's, JSON-encoded when not a string) and the case's inputs, it receives those it declares as input variables. The first number in its answer is the score.",
      }),
  ])
  .meta({ id: "Assertion" });
export type Assertion = z.infer<typeof Assertion>;

export const TestCaseInput = z
  .strictObject({
    id: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, "Letters, digits, '.', '_' and '-', at most 64")
      .optional()
      .meta({ description: "Stable across edits; generated when absent. Send it back to keep a case's identity." }),
    name: z.string().max(200).nullish(),
    inputs: z.record(z.string(), z.unknown()).meta({
      description: "Values by input variable name, checked against the target's variables when the suite runs",
      example: { question: "What is the capital of France?" },
    }),
    expected: z.unknown().optional().meta({ description: "The expected output: the default `value` of exact_match and contains, and `expected` for evaluators" }),
    assertions: z
      .array(Assertion)
      .max(MAX_ASSERTIONS)
      .default([])
      .meta({ description: `At most ${MAX_ASSERTIONS}. A case passes when its run is fulfilled and every assertion passes.` }),
  })
  .meta({ id: "TestCaseInput" });
export type TestCaseInput = z.infer<typeof TestCaseInput>;

/** A case as stored: its id assigned. */
export interface TestCase {
  id: string;
  name: string | null;
  inputs: Record<string, unknown>;
  expected?: unknown;
  assertions: Assertion[];
}

function regexProblem(pattern: string, flags: string | undefined): string | null {
  try {
    new RegExp(pattern, flags);
    return null;
  } catch (error) {
    return `Not a valid regular expression: ${error instanceof Error ? error.message : String(error)}`;
  }
}

/**
 * What a suite's cases get wrong beyond their shape, each issue naming its
 * field: duplicate ids, a regular expression or JSON Schema that would fail
 * every run, an exact_match or contains with neither a value nor a string
 * `expected`, an evaluator whose `min_score` is above its `max_score`.
 */
export function caseIssues(cases: TestCaseInput[], root = "body.cases"): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const ids = new Set<string>();
  cases.forEach((testCase, i) => {
    if (testCase.id !== undefined) {
      if (ids.has(testCase.id)) issues.push({ path: `${root}[${i}].id`, message: `Duplicate case id "${testCase.id}"` });
      ids.add(testCase.id);
    }
    testCase.assertions.forEach((assertion, j) => {
      const at = `${root}[${i}].assertions[${j}]`;
      switch (assertion.type) {
        case "exact_match":
        case "contains":
          if (assertion.value === undefined && typeof testCase.expected !== "string") {
            issues.push({ path: `${at}.value`, message: "Give a value, or a string `expected` on the case" });
          }
          break;
        case "regex": {
          const problem = regexProblem(assertion.pattern, assertion.flags);
          if (problem) issues.push({ path: `${at}.pattern`, message: problem });
          break;
        }
        case "json_schema": {
          const problem = schemaProblem(assertion.schema);
          if (problem) issues.push({ path: `${at}.schema`, message: `Not a usable JSON Schema: ${problem}` });
          break;
        }
        case "evaluator":
          if (assertion.max_score !== undefined && assertion.min_score > assertion.max_score) {
            issues.push({ path: `${at}.min_score`, message: `At most max_score (${assertion.max_score}): no score on the evaluator's scale could pass` });
          }
          break;
        case "valid_json":
          break;
      }
    });
  });
  return issues;
}
