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
};

/** The field an issue is about, named as the form labels it (a variable by its own name). */
function labelOf(path: readonly PropertyKey[]): string {
  if (path[0] === "variables" && typeof path[1] === "string") return `Variable ${path[1]}`;
  const named = [...path].reverse().find((part): part is string => typeof part === "string" && part in LABELS);
  return named ? (LABELS[named] ?? named) : "Form";
}

/**
 * Validates a form's values with the API route's own body schema: the same
 * rule as the API, refused as VALIDATION_FAILED naming each offending field.
 */
export function validate<T extends z.ZodType>(schema: T, input: unknown): { ok: true; value: z.output<T> } | ReturnType<typeof fail> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return { ok: true, value: parsed.data };
  const errors = parsed.error.issues.map((issue) => ({ path: labelOf(issue.path), message: issue.message }));
  return fail("VALIDATION_FAILED", errors.map((e) => `${e.path}: ${e.message}`).join("; "), errors);
}

/** A form number: empty is `null` (no value), anything else a number (NaN when not one, which the schema refuses). */
export function numberOrNull(text: string): number | null {
  return text === "" ? null : Number(text);
}

/** A `datetime-local` value (no zone) read as UTC, as the form's hint says; anything else is left for the schema to refuse. */
export function utcTimestamp(text: string): string {
  return /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/.test(text) ? `${text.length === 16 ? `${text}:00` : text}Z` : text;
}
