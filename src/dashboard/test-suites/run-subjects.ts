import type { Deps, Principal } from "../../context";
import { findReadableRelease } from "../../releases/read-releases";
import { getSandbox } from "../../testing/sandboxes";

/** What a run tested, as a page names it: a release's version in its environment, or a sandbox's draft. */
export type RunSubject =
  | { type: "release"; releaseId: string; version: number | null; environment: string | null }
  | { type: "sandbox"; sandboxId: string; name: string | null; revision: number | null };

interface RunTargetFields {
  release_id: string | null;
  environment: string | null;
  sandbox_id: string | null;
  sandbox_revision: number | null;
}

/** The subjects of `runs`, in their order, reading each release and sandbox once. */
export async function readRunSubjects(deps: Deps, principal: Principal, runs: RunTargetFields[]): Promise<RunSubject[]> {
  const releaseIds = [...new Set(runs.flatMap((r) => (r.release_id ? [r.release_id] : [])))];
  const sandboxIds = [...new Set(runs.flatMap((r) => (r.sandbox_id ? [r.sandbox_id] : [])))];
  const [releases, sandboxes] = await Promise.all([
    Promise.all(releaseIds.map(async (id) => [id, await findReadableRelease(deps, principal, id)] as const)),
    Promise.all(sandboxIds.map(async (id) => [id, await getSandbox(deps, principal, id, undefined)] as const)),
  ]);
  const versions = new Map(releases.flatMap(([id, found]) => (found.ok ? [[id, found.value.version] as const] : [])));
  const names = new Map(sandboxes.flatMap(([id, found]) => (found.ok ? [[id, found.value.name] as const] : [])));
  return runs.map((run) =>
    run.release_id
      ? { type: "release", releaseId: run.release_id, version: versions.get(run.release_id) ?? null, environment: run.environment }
      : { type: "sandbox", sandboxId: run.sandbox_id ?? "", name: names.get(run.sandbox_id ?? "") ?? null, revision: run.sandbox_revision },
  );
}
