import { ApiError, type FieldIssue, type ProblemCode } from "./problem";

/** An expected failure, named by its problem code. */
export interface Failure {
  code: ProblemCode;
  detail: string;
  errors?: FieldIssue[];
}

/** What services return: a value, or an expected failure. Unexpected ones are thrown. */
export type Result<T> = { ok: true; value: T } | { ok: false; error: Failure };

export function ok<T>(value: T): Result<T> {
  return { ok: true, value };
}

export function fail(code: ProblemCode, detail: string, errors?: FieldIssue[]): { ok: false; error: Failure } {
  return { ok: false, error: errors ? { code, detail, errors } : { code, detail } };
}

/** At the HTTP edge: the value, or the failure thrown as the API's one error type. */
export function unwrap<T>(result: Result<T>): T {
  if (result.ok) return result.value;
  throw new ApiError(result.error.code, result.error.detail, result.error.errors);
}
