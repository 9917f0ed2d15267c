import type { FieldIssue } from "./problem";

/** Where a value came from, as the API names it in problem `errors[].path`. */
const LOCATION: Record<string, string> = { json: "body", query: "query", param: "path", header: "header", cookie: "cookie", form: "body" };

export function formatPath(root: string, path: readonly PropertyKey[]): string {
  return path.reduce<string>((acc, part) => (typeof part === "number" ? `${acc}[${part}]` : `${acc}.${String(part)}`), LOCATION[root] ?? root);
}

interface ZodLikeIssue {
  code: string;
  path: readonly PropertyKey[];
  message: string;
  keys?: readonly string[];
}

/**
 * Turns validator issues into field issues: one per offending field, an
 * unknown field named by its own path rather than its parent's.
 */
export function fieldIssues(target: string, issues: readonly ZodLikeIssue[]): FieldIssue[] {
  return issues.flatMap((issue) =>
    issue.code === "unrecognized_keys" && issue.keys
      ? issue.keys.map((key) => ({ path: formatPath(target, [...issue.path, key]), message: "Unknown field" }))
      : [{ path: formatPath(target, issue.path), message: issue.message }],
  );
}
