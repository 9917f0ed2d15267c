import type { z } from "@hono/zod-openapi";
import { fail } from "../../lib/result";

/** The labels the forms give to the API's field names, so a refusal names the field as the page does. */
const LABELS: Record<string, string> = {
  name: "Name",
  label: "Label",
  description: "Description",
  protected: "Protected",
  required_approvals: "Required approvals",
  test_gate: "Test gate",
  min_pass_rate: "Minimum pass rate",
  untested: "Deployments without tests",
  variables: "Variables",
  freeze_windows: "Freeze windows",
  starts_at: "Freeze starts",
  ends_at: "Freeze ends",
  reason: "Reason",
  key: "Secret name",
  value: "Secret value",
  url: "Receiver URL",
  events: "Events",
  egress_allowlist: "Allowlisted hosts",
  allowed_hosts: "Allowed hosts",
  rate_limit_per_minute: "Environment rate limit",
  key_rate_limit_per_minute: "Rate limit per API key",
  daily_budget_usd: "Daily budget",
};

/** The field an issue is about, named as the form labels it (a variable by its own name). */
function labelOf(path: readonly PropertyKey[]): string {
  if (path[0] === "variables" && typeof path[1] === "string") return `Variable ${path[1]}`;
  const named = [...path].reverse().find((part): part is string => typeof part === "string" && part in LABELS);
  return named ? (LABELS[named] ?? named) : "Form";
}

/** The longest part of a refused list entry quoted back in its message. */
const QUOTED_LENGTH = 80;

/** An issue's path as the API writes it (`egress_allowlist[2]`, `test_gate.min_pass_rate`). */
function pathText(path: readonly PropertyKey[]): string {
  return path.map((part, i) => (typeof part === "number" ? `[${part}]` : i === 0 ? String(part) : `.${String(part)}`)).join("");
}

/** The message of an issue, quoting the list entry it is about (a host the user typed) so the user can find it. */
function messageOf(issue: z.ZodError["issues"][number], input: unknown): string {
  const last = issue.path.at(-1);
  if (typeof last !== "number") return issue.message;
  const entry = issue.path.reduce<unknown>((value, part) => (value !== null && typeof value === "object" ? (value as Record<PropertyKey, unknown>)[part] : undefined), input);
  if (typeof entry !== "string") return issue.message;
  const quoted = entry.length > QUOTED_LENGTH ? `${entry.slice(0, QUOTED_LENGTH)}…` : entry;
  return `"${quoted}": ${issue.message}`;
}

/**
 * Validates a form's values with the API route's own body schema: the same
 * rule as the API, refused as VALIDATION_FAILED. The detail names each
 * offending field as the form labels it; each issue's path is the API's
 * field, so the page can show the message beside that field.
 */
export function validate<T extends z.ZodType>(schema: T, input: unknown): { ok: true; value: z.output<T> } | ReturnType<typeof fail> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return { ok: true, value: parsed.data };
  const issues = parsed.error.issues.map((issue) => ({ label: labelOf(issue.path), path: pathText(issue.path), message: messageOf(issue, input) }));
  return fail(
    "VALIDATION_FAILED",
    issues.map((issue) => `${issue.label}: ${issue.message}`).join("; "),
    issues.map(({ path, message }) => ({ path, message })),
  );
}

/** One refusal of a form field that no schema states, shaped as {@link validate} refuses. */
export function refuseField(field: string, message: string) {
  return fail("VALIDATION_FAILED", `${LABELS[field] ?? field}: ${message}`, [{ path: field, message }]);
}

/** Host names and patterns typed one a line (commas and spaces separate them too), empty lines dropped. */
export function hostList(text: string): string[] {
  return text.split(/[\s,]+/).filter((host) => host !== "");
}

/** A form number: empty is `null` (no value), anything else a number (NaN when not one, which the schema refuses). */
export function numberOrNull(text: string): number | null {
  return text === "" ? null : Number(text);
}

/** A `datetime-local` value (no zone) read as UTC, as the form's hint says; anything else is left for the schema to refuse. */
export function utcTimestamp(text: string): string {
  return /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/.test(text) ? `${text.length === 16 ? `${text}:00` : text}Z` : text;
}
