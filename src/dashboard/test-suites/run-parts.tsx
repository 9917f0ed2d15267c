import type { Assertion } from "../../specs/test-case-spec";
import type { RunSubject } from "./run-subjects";

/** "67 %" of a pass rate; a suite without cases has none. */
export function passRateText(rate: number | null): string {
  return rate === null ? "no cases" : `${Math.round(rate * 100)} %`;
}

/** A pass rate with its counts, marked all-passed or some-failed. */
export function PassRate(props: { rate: number | null; passed: number; total: number }) {
  const state = props.rate === null ? "none" : props.passed === props.total ? "passed" : "failed";
  return (
    <span class={`ts-rate ts-${state}`}>
      {passRateText(props.rate)}
      <span class="meta">
        {props.passed} of {props.total} cases passed
      </span>
    </span>
  );
}

/** A word and a mark for one verdict, never colour alone. */
export function Verdict(props: { passed: boolean }) {
  return props.passed ? <span class="ts-verdict ts-passed">✓ Passed</span> : <span class="ts-verdict ts-failed">✗ Failed</span>;
}

/** What a run tested, linked to where it lives. */
export function SubjectLabel(props: { subject: RunSubject }) {
  const { subject } = props;
  if (subject.type === "release") {
    return (
      <span>
        <a href={`/releases/${encodeURIComponent(subject.releaseId)}`}>{subject.version === null ? "Release" : <span class="version">v{subject.version}</span>}</a> in{" "}
        {subject.environment ?? "an environment"}
        <span class="meta">{subject.releaseId}</span>
      </span>
    );
  }
  return (
    <span>
      Draft of sandbox <a href={`/sandboxes/${encodeURIComponent(subject.sandboxId)}`}>{subject.name ?? subject.sandboxId}</a>
      {subject.revision === null ? null : <span class="meta">revision {subject.revision}</span>}
    </span>
  );
}

/** A case's value as written: text as it is, anything else as JSON. */
export function valueText(value: unknown): string {
  return typeof value === "string" ? value : JSON.stringify(value, null, 2);
}

const quoted = (text: string) => `“${text}”`;

/** One assertion in words, as a product manager would read it. */
export function assertionText(assertion: Assertion): string {
  switch (assertion.type) {
    case "exact_match":
      return assertion.value === undefined ? "The output equals the expected output" : `The output equals ${quoted(assertion.value)}`;
    case "contains": {
      const what = assertion.value === undefined ? "the expected output" : quoted(assertion.value);
      return `The output contains ${what}${assertion.case_sensitive === false ? " (ignoring case)" : ""}`;
    }
    case "regex":
      return `The output matches /${assertion.pattern}/${assertion.flags ?? ""}`;
    case "valid_json":
      return "The output is valid JSON";
    case "json_schema":
      return "The output is JSON valid against this schema:";
    case "evaluator": {
      const scale = assertion.max_score === undefined ? "" : ` (out of ${assertion.max_score})`;
      return `The evaluator deployment “${assertion.deployment}” (${assertion.release_tag ?? "LATEST"}) scores at least ${assertion.min_score}${scale}`;
    }
  }
}
