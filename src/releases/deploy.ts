import type { Deps, Principal } from "../context";
import { environmentEgressRefusal } from "../egress/environment-egress";
import { fail, ok, type Result } from "../lib/result";
import { contentHash, type Spec } from "../specs/validate-spec";
import { findSandbox, findSandboxRevision } from "../testing/sandbox-repository";
import { commandContext, coordinatorFor } from "./coordinator-client";
import { directDeployRefusal } from "./promotion-policy";
import { resolveTargets } from "./resolve-targets";
import { requestedTagsRefusal } from "./tag-rules";
import { type ReleaseView, releaseViews } from "./views";

export interface DeployInput {
  deployment_name: string;
  environments: string[];
  release_tags?: string[] | undefined;
  description?: string | undefined;
  sandbox_revision?: number | undefined;
}

export interface DeployResult {
  deployment: { id: string; name: string; kind: "prompt" | "workflow"; sandbox_id: string; created_at: string };
  releases: ReleaseView[];
}

/**
 * Deploys a sandbox revision (default: the latest) to several environments
 * at once: one release in each, or none anywhere. Needs `deploy` in every
 * target; a protected or gated environment takes releases only by promotion.
 */
export async function deploySandbox(deps: Deps, principal: Principal, sandboxId: string, input: DeployInput): Promise<Result<DeployResult>> {
  const systemTag = requestedTagsRefusal(input.release_tags ?? []);
  if (systemTag) return systemTag;
  const sandbox = await findSandbox(deps.db, principal.workspaceId, sandboxId);
  if (!sandbox) return fail("NOT_FOUND", `No sandbox with id "${sandboxId}"`);
  const targets = await resolveTargets(deps, principal, input.environments, "deploy");
  if (!targets.ok) return targets;
  for (const env of targets.value) {
    const refusal = directDeployRefusal(env);
    if (refusal) return fail(refusal.code, refusal.reason, [{ path: `body.environments[${input.environments.indexOf(env.name)}]`, message: "Takes releases by promotion only" }]);
  }
  let revision = { revision: sandbox.revision, spec: sandbox.spec };
  if (input.sandbox_revision !== undefined && input.sandbox_revision !== sandbox.revision) {
    const old = await findSandboxRevision(deps.db, principal.workspaceId, sandbox.id, input.sandbox_revision);
    if (!old) return fail("NOT_FOUND", `Sandbox "${sandbox.id}" has no revision ${input.sandbox_revision}`, [{ path: "body.sandbox_revision", message: "Unknown revision" }]);
    revision = old;
  }
  const spec = { kind: sandbox.kind, spec: revision.spec } as Spec;
  const egress = await environmentEgressRefusal(deps, principal.workspaceId, spec, targets.value);
  if (egress) return egress;
  const outcome = await coordinatorFor(deps, principal.workspaceId, sandbox.deploymentId).deploy({
    context: commandContext(deps, principal, sandbox.deploymentId),
    deploymentName: input.deployment_name,
    sandbox: { id: sandbox.id, revision: revision.revision, kind: sandbox.kind, spec: revision.spec, contentHash: await contentHash(spec) },
    targets: targets.value.map((t) => ({ id: t.id, name: t.name })),
    releaseTags: input.release_tags ?? [],
    description: input.description ?? "",
  });
  if (!outcome.ok) return outcome;
  const { deployment, releases } = outcome.value;
  return ok({
    deployment: { id: deployment.id, name: deployment.name, kind: deployment.kind, sandbox_id: deployment.sandboxId, created_at: deployment.createdAt },
    releases: await releaseViews(deps.db, principal.workspaceId, releases),
  });
}
