import type { Failure } from "../../lib/result";
import type { FormFields } from "../pages";

/** Error messages by the form field (the API's top-level field name) they concern. */
export type FieldErrors = ReadonlyMap<string, string[]>;

/** A refused form's messages by field: `egress_allowlist[2]` counts against `egress_allowlist`. */
export function fieldErrorsOf(failure: Failure | undefined): FieldErrors {
  const errors = new Map<string, string[]>();
  for (const issue of failure?.errors ?? []) {
    const field = issue.path.split(/[.[]/)[0] ?? issue.path;
    errors.set(field, [...(errors.get(field) ?? []), issue.message]);
  }
  return errors;
}

/**
 * The attributes that tie a control to its hint and, when refused, its error:
 * screen readers read both with the control, and `aria-invalid` marks it.
 */
export function describedBy(id: string, options: { hint: boolean; errors: string[] | undefined }) {
  const ids = [options.hint ? `${id}-hint` : null, options.errors ? `${id}-error` : null].filter((x) => x !== null);
  return { "aria-describedby": ids.length > 0 ? ids.join(" ") : undefined, "aria-invalid": options.errors ? ("true" as const) : undefined };
}

/** Why the field's last value was refused, shown beside it; nothing when it was not. */
export function FieldError(props: { id: string; errors: string[] | undefined }) {
  if (!props.errors) return null;
  return (
    <span class="error" id={`${props.id}-error`}>
      {props.errors.join(" ")}
    </span>
  );
}

/**
 * What a form field shows: the value just refused, so the user can correct
 * it, else the stored one. Never used for a secret's value.
 */
export function shownValue(submitted: FormFields | undefined, name: string, stored: string): string {
  const value = submitted?.[name];
  if (value === undefined) return stored;
  return (Array.isArray(value) ? (value[0] ?? "") : value).trim();
}
