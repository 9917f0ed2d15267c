import { requireScope } from "../access/permissions";
import type { Deps, Principal } from "../context";
import type { EnvironmentConfig } from "../edge/keys";
import { findEnvironmentById } from "../environments/repository";
import { environmentConfig, invokeEnvironment } from "../invoke/invoke-environment";
import type { FieldIssue } from "../lib/problem";
import { fail, ok, type Result } from "../lib/result";
import { findDeployment } from "../releases/deployment-repository";
import { findReadableRelease } from "../releases/read-releases";
import { bindInputs, typedInputs } from "../runtime/inputs";
import type { InputVariable } from "../specs/prompt-spec";
import type { TestCase } from "../specs/test-case-spec";
import type { Spec } from "../specs/validate-spec";
import { findSandbox, findSandboxRevision } from "./sandbox-repository";

/** What a test-suite run is asked to test: a release, or a sandbox's draft run in an environment. */
export interface TestRunRequest {
  release_id?: string | undefined;
  sandbox_id?: string | undefined;
  sandbox_revision?: number | undefined;
  environment?: string | undefined;
}

/** The thing under test, resolved and authorized, with the environment its cases run in. */
export interface TestRunTarget {
  spec: Spec;
  env: EnvironmentConfig;
  contentHash: string;
  /** Stored on the run: a release and its environment, or a sandbox revision. */
  subject: { type: "release"; releaseId: string; deploymentId: string; environmentId: string } | { type: "sandbox"; sandboxId: string; sandboxRevision: number };
}

function shapeIssues(request: TestRunRequest): FieldIssue[] {
  if (request.release_id !== undefined && request.sandbox_id !== undefined) {
    return [
      { path: "body.release_id", message: "Give release_id or sandbox_id, not both" },
      { path: "body.sandbox_id", message: "Give release_id or sandbox_id, not both" },
    ];
  }
  if (request.release_id === undefined && request.sandbox_id === undefined) return [{ path: "body.release_id", message: "Give release_id or sandbox_id" }];
  if (request.release_id !== undefined) {
    const extra = (["sandbox_revision", "environment"] as const).filter((field) => request[field] !== undefined);
    return extra.map((field) => ({ path: `body.${field}`, message: "Only with sandbox_id: a release runs in its own environment" }));
  }
  return [];
}

/**
 * Resolves and authorizes what a run tests. A release must be readable by
 * the key (another environment's is not found) and the key needs `execute`
 * in its environment, since the cases run there, with its secrets. A sandbox
 * draft runs in the environment the request names, or the key's own, and
 * needs `execute` there, as a sandbox run does.
 */
export async function resolveTestRunTarget(deps: Deps, principal: Principal, request: TestRunRequest): Promise<Result<TestRunTarget>> {
  const issues = shapeIssues(request);
  if (issues.length) return fail("VALIDATION_FAILED", issues.map((i) => i.message).join("; "), issues);
  if (request.release_id !== undefined) {
    const release = await findReadableRelease(deps, principal, request.release_id);
    if (!release.ok)
      return fail(release.error.code, release.error.detail, release.error.code === "NOT_FOUND" ? [{ path: "body.release_id", message: "Unknown release" }] : undefined);
    const access = requireScope(principal, "execute", release.value.environmentId);
    if (!access.ok) return access;
    const [deployment, environment] = await Promise.all([
      findDeployment(deps.db, principal.workspaceId, release.value.deploymentId),
      findEnvironmentById(deps.db, principal.workspaceId, release.value.environmentId),
    ]);
    if (!deployment || !environment) return fail("NOT_FOUND", `No release with id "${request.release_id}"`);
    return ok({
      spec: { kind: deployment.kind, spec: release.value.spec } as Spec,
      env: await environmentConfig(deps, principal.workspaceId, { id: environment.id, name: environment.name }),
      contentHash: release.value.contentHash,
      subject: { type: "release", releaseId: release.value.id, deploymentId: deployment.id, environmentId: environment.id },
    });
  }
  const sandboxId = request.sandbox_id!;
  const sandbox = await findSandbox(deps.db, principal.workspaceId, sandboxId);
  if (!sandbox) return fail("NOT_FOUND", `No sandbox with id "${sandboxId}"`, [{ path: "body.sandbox_id", message: "Unknown sandbox" }]);
  const revision = await findSandboxRevision(deps.db, principal.workspaceId, sandbox.id, request.sandbox_revision ?? sandbox.revision);
  if (!revision) return fail("NOT_FOUND", `Sandbox "${sandbox.id}" has no revision ${request.sandbox_revision}`, [{ path: "body.sandbox_revision", message: "Unknown revision" }]);
  if (principal.environment === null && request.environment === undefined) {
    return fail("VALIDATION_FAILED", "A workspace key must name the environment the draft runs in", [{ path: "body.environment", message: "Required for workspace keys" }]);
  }
  const ref = await invokeEnvironment(deps, principal, request.environment);
  if (!ref.ok) return ref;
  return ok({
    spec: { kind: sandbox.kind, spec: revision.spec } as Spec,
    env: await environmentConfig(deps, principal.workspaceId, ref.value),
    contentHash: revision.contentHash,
    subject: { type: "sandbox", sandboxId: sandbox.id, sandboxRevision: revision.revision },
  });
}

/**
 * Every case's inputs bound to the target's input variables exactly as an
 * execute request's are; a case that does not fit names its input
 * (`test_suite.cases[2].inputs.colour`), and nothing runs.
 */
export function bindCases(variables: InputVariable[], cases: TestCase[]): Result<Record<string, unknown>[]> {
  const issues: FieldIssue[] = [];
  const bound = cases.map((testCase, i) => {
    const root = `test_suite.cases[${i}].inputs`;
    const names = Object.keys(testCase.inputs);
    const values = bindInputs(variables, typedInputs(variables, testCase.inputs), root);
    if (values.ok) return values.value;
    // bindInputs names inputs by their position in a typed list; a case holds them by name.
    for (const issue of values.error.errors ?? []) {
      const position = /^\[(\d+)\]/.exec(issue.path.slice(root.length));
      issues.push({ path: position ? `${root}.${names[Number(position[1])]}` : root, message: issue.message });
    }
    return {};
  });
  if (issues.length) return fail("VALIDATION_FAILED", `The suite's cases do not fit the input variables of what it runs: ${issues.map((i) => i.message).join("; ")}`, issues);
  return ok(bound);
}
