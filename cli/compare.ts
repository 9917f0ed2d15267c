import canonicalize from "canonicalize";
import { stringify } from "yaml";
import type { Sandbox, TestSuite } from "./api-client";
import type { SandboxFile, SuiteFile } from "./project-files";

/** Canonical JSON (RFC 8785): equal values, equal text, whatever the key order. */
export const canonical = (value: unknown): string => canonicalize(value) ?? "null";

/** A spec as YAML with sorted keys, so two specs diff line by line on what changed. */
export function readableSpec(spec: unknown): string {
  return stringify(JSON.parse(canonical(spec)), { sortMapEntries: true, lineWidth: 0 });
}

export function sandboxMatchesFile(sandbox: Sandbox, file: SandboxFile): boolean {
  return canonical(sandbox.spec) === canonical(file.spec) && canonical(sandbox.scenarios) === canonical(file.scenarios);
}

type SuiteCase = { id?: string | undefined; name?: string | null | undefined; inputs: Record<string, unknown>; expected?: unknown; assertions: unknown[] };

function normalizeCase(c: SuiteCase) {
  return { id: c.id ?? null, name: c.name ?? null, inputs: c.inputs, expected: c.expected ?? null, assertions: c.assertions };
}

/**
 * The cases to send for a suite file: a case without an id takes the id of
 * the stored case at its position when their names agree, so re-pushing an
 * unchanged file sends back the same cases and the suite keeps its ids.
 */
export function casesToSend(file: SuiteFile, stored: TestSuite | undefined): SuiteFile["cases"] {
  return file.cases.map((c, i) => {
    const previous = stored?.cases[i];
    const id = c.id ?? (previous && previous.name === (c.name ?? null) ? previous.id : undefined);
    return id === undefined ? c : { ...c, id };
  });
}

export function suiteMatchesFile(suite: TestSuite, file: SuiteFile): boolean {
  return (
    suite.description === file.description &&
    (suite.deployment === file.deployment || suite.deployment_id === file.deployment) &&
    canonical(casesToSend(file, suite).map(normalizeCase)) === canonical(suite.cases.map(normalizeCase))
  );
}
