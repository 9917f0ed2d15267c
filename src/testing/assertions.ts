import { schemaErrors } from "../lib/json-schema";
import type { Assertion, TestCase } from "../specs/test-case-spec";

/** One assertion's verdict on one output, as stored in a test-suite run. */
export interface AssertionResult {
  type: Assertion["type"];
  passed: boolean;
  message: string;
  /** Evaluators only: the score the evaluator gave, when it gave one. */
  score?: number;
}

export type EvaluatorAssertion = Extract<Assertion, { type: "evaluator" }>;

/** Runs an evaluator deployment on an output; supplied by the caller, who knows the environment. */
export type RunEvaluator = (assertion: EvaluatorAssertion, output: string, testCase: TestCase) => Promise<{ text: string } | { error: string }>;

/** Regular expressions see at most this much of an output, which bounds their running time together with the pattern's length. */
const MAX_REGEX_INPUT = 100_000;

/** A short, quoted excerpt for messages. */
function quote(text: string, max = 120): string {
  return JSON.stringify(text.length > max ? `${text.slice(0, max)}…` : text);
}

const NUMBER = /[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?/;

/**
 * The first number in a text, as evaluators answer ("Score: 0.8", "4/5" → 4);
 * null when there is none.
 *
 * @example
 * firstNumber("Score: 0.75 out of 1") // 0.75
 */
export function firstNumber(text: string): number | null {
  const match = NUMBER.exec(text);
  if (!match) return null;
  const value = Number(match[0]);
  return Number.isFinite(value) ? value : null;
}

function parseJson(text: string): { value: unknown } | { error: string } {
  try {
    return { value: JSON.parse(text) };
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) };
  }
}

/** Checks one assertion against a fulfilled run's output text. Never throws for anything an output or an evaluator does. */
export async function checkAssertion(assertion: Assertion, output: string, testCase: TestCase, runEvaluator: RunEvaluator): Promise<AssertionResult> {
  const verdict = (passed: boolean, message: string): AssertionResult => ({ type: assertion.type, passed, message });
  switch (assertion.type) {
    case "exact_match": {
      const expected = assertion.value ?? String(testCase.expected);
      return output === expected ? verdict(true, "The output equals the expected text") : verdict(false, `Expected exactly ${quote(expected)}, got ${quote(output)}`);
    }
    case "contains": {
      const needle = assertion.value ?? String(testCase.expected);
      const sensitive = assertion.case_sensitive ?? true;
      const found = sensitive ? output.includes(needle) : output.toLowerCase().includes(needle.toLowerCase());
      return found ? verdict(true, `The output contains ${quote(needle)}`) : verdict(false, `The output does not contain ${quote(needle)}${sensitive ? "" : " (ignoring case)"}`);
    }
    case "regex": {
      const matched = new RegExp(assertion.pattern, assertion.flags).test(output.slice(0, MAX_REGEX_INPUT));
      return matched
        ? verdict(true, `The output matches /${assertion.pattern}/${assertion.flags ?? ""}`)
        : verdict(false, `The output does not match /${assertion.pattern}/${assertion.flags ?? ""}`);
    }
    case "valid_json": {
      const parsed = parseJson(output);
      return "value" in parsed ? verdict(true, "The output is valid JSON") : verdict(false, `The output is not valid JSON: ${parsed.error}`);
    }
    case "json_schema": {
      const parsed = parseJson(output);
      if ("error" in parsed) return verdict(false, `The output is not valid JSON: ${parsed.error}`);
      const errors = schemaErrors(assertion.schema, parsed.value);
      return errors.length === 0 ? verdict(true, "The output is valid against the schema") : verdict(false, `The output does not fit the schema: ${errors.slice(0, 3).join("; ")}`);
    }
    case "evaluator": {
      const answer = await runEvaluator(assertion, output, testCase);
      if ("error" in answer) return verdict(false, `The evaluator "${assertion.deployment}" failed: ${answer.error}`);
      const score = firstNumber(answer.text);
      if (score === null) return verdict(false, `The evaluator "${assertion.deployment}" answered without a number: ${quote(answer.text)}`);
      const passed = score >= assertion.min_score;
      return { type: "evaluator", passed, score, message: `The evaluator "${assertion.deployment}" scored ${score} (${passed ? "at least" : "below"} ${assertion.min_score})` };
    }
  }
}
