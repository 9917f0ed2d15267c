import { requireScope, resolveEnvironment } from "../access/permissions";
import type { Deps, Principal } from "../context";
import { type EnvironmentRow, listEnvironments } from "../environments/repository";
import { fail, ok, type Result } from "../lib/result";
import type { InputVariable, PromptSpec } from "../specs/prompt-spec";
import type { WorkflowSpec } from "../specs/workflow-spec";
import { findSandbox } from "../testing/sandbox-repository";
import { commandContext, coordinatorFor } from "./coordinator-client";
import { type DeploymentRow, findDeploymentByIdOrName, listLiveDeployments } from "./deployment-repository";
import { findRelease, findTag, LATEST, listTags, liveReleases, type ReleaseRow, type ReleaseTagRow } from "./release-repository";
import { releaseView } from "./views";

/**
 * The deployment reads and tag moves of Vellum's API, in the JSON its
 * official SDK parses, for prompt deployments (`/v1/deployments`) and
 * workflow deployments (`/v1/workflow-deployments`). Vellum has one
 * environment per API key, so these act in the key's environment; a
 * workspace key names one with `?environment=` (or, for the deployment
 * reads only, sees every environment). Stagecraft's own fields ride along.
 */

export type DeploymentKind = DeploymentRow["kind"];

function vellumVariables(vars: InputVariable[]) {
  return vars.map((v) => ({
    id: v.key,
    key: v.key,
    type: v.type,
    required: v.required ?? v.default === undefined,
    default: v.default === undefined ? null : ({ type: v.type, value: v.default } as Record<string, unknown>),
  }));
}

function outputVariables(spec: WorkflowSpec) {
  return spec.nodes.flatMap((n) => (n.type === "output" ? [{ id: n.id, key: n.name, type: "STRING", required: true, default: null }] : []));
}

function vellumEnvironment(name: string) {
  return ["development", "staging", "production"].includes(name) ? name.toUpperCase() : null;
}

const tagSource = (name: string): "SYSTEM" | "USER" => (name === LATEST ? "SYSTEM" : "USER");

/** The environments a read covers: one named or the key's own, else (workspace keys) all. */
async function readableEnvironments(deps: Deps, principal: Principal, requested: string | undefined): Promise<Result<EnvironmentRow[]>> {
  if (principal.environment || requested !== undefined) {
    const env = await resolveEnvironment(deps, principal, requested, "read");
    return env.ok ? ok([env.value]) : env;
  }
  const access = requireScope(principal, "read", null);
  if (!access.ok) return access;
  return ok(await listEnvironments(deps.db, principal.workspaceId, undefined, 1000));
}

function deploymentRead(deployment: DeploymentRow, live: ReleaseRow[], environments: EnvironmentRow[]) {
  const newest = live.reduce((a, b) => (a.createdAt >= b.createdAt ? a : b));
  const spec = newest.spec as PromptSpec | WorkflowSpec;
  const envName = (id: string) => environments.find((e) => e.id === id)?.name ?? "";
  return {
    id: deployment.id,
    created: deployment.createdAt,
    label: deployment.name,
    name: deployment.name,
    status: "ACTIVE",
    environment: live.length === 1 ? vellumEnvironment(envName(newest.environmentId)) : null,
    last_deployed_on: newest.createdAt,
    last_deployed_history_item_id: newest.id,
    input_variables: vellumVariables(spec.input_variables),
    ...(deployment.kind === "workflow" ? { output_variables: outputVariables(spec as WorkflowSpec) } : {}),
    description: newest.description || null,
    kind: deployment.kind,
    sandbox_id: deployment.sandboxId,
    environments: live
      .map((r) => ({ environment: envName(r.environmentId), live_release: { id: r.id, version: r.version, content_hash: r.contentHash, created_at: r.createdAt } }))
      .sort((a, b) => a.environment.localeCompare(b.environment)),
  };
}

export async function listVellumDeployments(
  deps: Deps,
  principal: Principal,
  kind: DeploymentKind,
  query: { environment?: string | undefined; limit: number; offset: number },
  pageUrl: (offset: number) => string,
) {
  const envs = await readableEnvironments(deps, principal, query.environment);
  if (!envs.ok) return envs;
  const envIds = envs.value.map((e) => e.id);
  const { rows, total } = await listLiveDeployments(deps.db, principal.workspaceId, kind, envIds, query.offset, query.limit);
  const live = await liveReleases(
    deps.db,
    principal.workspaceId,
    rows.map((d) => d.id),
    envIds,
  );
  return ok({
    count: total,
    next: query.offset + query.limit < total ? pageUrl(query.offset + query.limit) : null,
    previous: query.offset > 0 ? pageUrl(Math.max(0, query.offset - query.limit)) : null,
    results: rows.map((d) =>
      deploymentRead(
        d,
        live.filter((r) => r.deploymentId === d.id),
        envs.value,
      ),
    ),
  });
}

/** Where Vellum's API reads each kind of deployment (as the routes register them). */
const COLLECTION: Record<DeploymentKind, string> = { prompt: "/v1/deployments", workflow: "/v1/workflow-deployments" };

/**
 * A deployment of `kind` with a live release in one of `envs`. When the name
 * or id is a deployment of the other kind, live where the key can see it,
 * the 404 says where to read it instead; anywhere else, it says nothing more.
 */
async function findLiveDeployment(
  deps: Deps,
  principal: Principal,
  kind: DeploymentKind,
  idOrName: string,
  envs: EnvironmentRow[],
): Promise<Result<{ deployment: DeploymentRow; live: ReleaseRow[] }>> {
  const deployment = await findDeploymentByIdOrName(deps.db, principal.workspaceId, idOrName);
  const live = deployment
    ? await liveReleases(
        deps.db,
        principal.workspaceId,
        [deployment.id],
        envs.map((e) => e.id),
      )
    : [];
  if (deployment && live.length && deployment.kind === kind) return ok({ deployment, live });
  if (deployment && live.length) {
    return fail("NOT_FOUND", `"${idOrName}" is a ${deployment.kind} deployment, not a ${kind} deployment: read it at ${COLLECTION[deployment.kind]}/${deployment.id}`);
  }
  return fail("NOT_FOUND", `No ${kind} deployment "${idOrName}"`);
}

export async function getVellumDeployment(deps: Deps, principal: Principal, kind: DeploymentKind, idOrName: string, environment: string | undefined) {
  const envs = await readableEnvironments(deps, principal, environment);
  if (!envs.ok) return envs;
  const found = await findLiveDeployment(deps, principal, kind, idOrName, envs.value);
  if (!found.ok) return found;
  return ok(deploymentRead(found.value.deployment, found.value.live, envs.value));
}

/** One environment's deployment, for the per-environment reads (tags, releases). */
async function deploymentInEnvironment(deps: Deps, principal: Principal, kind: DeploymentKind, idOrName: string, environment: string | undefined) {
  const env = await resolveEnvironment(deps, principal, environment, "read");
  if (!env.ok) return env;
  const found = await findLiveDeployment(deps, principal, kind, idOrName, [env.value]);
  if (!found.ok) return found;
  return ok({ deployment: found.value.deployment, env: env.value });
}

async function tagRead(deps: Deps, tag: ReleaseTagRow) {
  const release = (await findRelease(deps.db, tag.workspaceId, tag.releaseId))!;
  const item = { id: release.id, timestamp: release.createdAt };
  return { name: tag.name, source: tagSource(tag.name), history_item: item, release: item, version: release.version };
}

export async function listVellumReleaseTags(
  deps: Deps,
  principal: Principal,
  kind: DeploymentKind,
  idOrName: string,
  query: { environment?: string | undefined; source?: "SYSTEM" | "USER" | undefined; limit: number; offset: number },
  pageUrl: (offset: number) => string,
) {
  const found = await deploymentInEnvironment(deps, principal, kind, idOrName, query.environment);
  if (!found.ok) return found;
  const tags = (await listTags(deps.db, principal.workspaceId, found.value.deployment.id, found.value.env.id)).filter(
    (t) => query.source === undefined || tagSource(t.name) === query.source,
  );
  const page = tags.slice(query.offset, query.offset + query.limit);
  return ok({
    count: tags.length,
    next: query.offset + query.limit < tags.length ? pageUrl(query.offset + query.limit) : null,
    previous: query.offset > 0 ? pageUrl(Math.max(0, query.offset - query.limit)) : null,
    results: await Promise.all(page.map((t) => tagRead(deps, t))),
  });
}

export async function getVellumReleaseTag(deps: Deps, principal: Principal, kind: DeploymentKind, idOrName: string, name: string, environment: string | undefined) {
  const found = await deploymentInEnvironment(deps, principal, kind, idOrName, environment);
  if (!found.ok) return found;
  const tag = await findTag(deps.db, principal.workspaceId, found.value.deployment.id, found.value.env.id, name);
  if (!tag) return fail("NOT_FOUND", `No release tag "${name}" in ${found.value.env.name}`);
  return ok(await tagRead(deps, tag));
}

/** PATCH `{history_item_id}` moves the tag (needs `promote`); an empty body changes nothing. */
export async function moveVellumReleaseTag(
  deps: Deps,
  principal: Principal,
  kind: DeploymentKind,
  idOrName: string,
  name: string,
  input: { environment?: string | undefined; releaseId?: string | undefined; ifMatch?: string | undefined },
) {
  const found = await deploymentInEnvironment(deps, principal, kind, idOrName, input.environment);
  if (!found.ok) return found;
  if (input.releaseId === undefined) return getVellumReleaseTag(deps, principal, kind, idOrName, name, input.environment);
  const { deployment, env } = found.value;
  const access = requireScope(principal, "promote", env.id);
  if (!access.ok) return access;
  const outcome = await coordinatorFor(deps, principal.workspaceId, deployment.id).moveTag({
    context: commandContext(deps, principal, deployment.id),
    environment: { id: env.id, name: env.name },
    tag: name,
    releaseId: input.releaseId,
    ifMatch: input.ifMatch,
  });
  if (!outcome.ok) return outcome;
  return ok(await tagRead(deps, outcome.value.tags[0]!));
}

/** `{release_id_or_release_tag}`: a release of this deployment in the environment, by id or by tag. */
export async function getVellumRelease(deps: Deps, principal: Principal, kind: DeploymentKind, idOrName: string, releaseIdOrTag: string, environment: string | undefined) {
  const found = await deploymentInEnvironment(deps, principal, kind, idOrName, environment);
  if (!found.ok) return found;
  const { deployment, env } = found.value;
  let release = await findRelease(deps.db, principal.workspaceId, releaseIdOrTag);
  if (!release || release.deploymentId !== deployment.id || release.environmentId !== env.id) {
    const tag = await findTag(deps.db, principal.workspaceId, deployment.id, env.id, releaseIdOrTag);
    release = tag && (await findRelease(deps.db, principal.workspaceId, tag.releaseId));
  }
  if (!release) return fail("NOT_FOUND", `No release or release tag "${releaseIdOrTag}" in ${env.name}`);
  const tags = (await listTags(deps.db, principal.workspaceId, deployment.id, env.id)).filter((t) => t.releaseId === release.id);
  const sandbox = await findSandbox(deps.db, principal.workspaceId, deployment.sandboxId);
  const spec = release.spec as PromptSpec | WorkflowSpec;
  const version =
    kind === "prompt"
      ? {
          prompt_version: {
            id: release.contentHash,
            ml_model_to_workspace_id: `${(spec as PromptSpec).model.provider}/${(spec as PromptSpec).model.name}`,
            build_config: {
              source: "SANDBOX",
              sandbox_id: deployment.sandboxId,
              sandbox_snapshot_id: `${deployment.sandboxId}@${release.sourceSandboxRevision ?? sandbox?.revision ?? 0}`,
              prompt_id: deployment.id,
            },
          },
        }
      : { workflow_version: { id: release.contentHash, input_variables: vellumVariables(spec.input_variables), output_variables: outputVariables(spec as WorkflowSpec) } };
  const stagecraft = releaseView(
    release,
    env.name,
    tags.map((t) => t.name),
    { withSpec: true },
  );
  return ok({
    id: release.id,
    created: release.createdAt,
    environment: { id: env.id, name: env.name, label: env.label },
    created_by: null,
    ...version,
    deployment: { id: deployment.id, name: deployment.name },
    description: release.description,
    release_tags: tags.map((t) => ({ name: t.name, source: tagSource(t.name) })),
    reviews: [],
    version: stagecraft.version,
    content_hash: stagecraft.content_hash,
    source: stagecraft.source,
    spec: stagecraft.spec,
  });
}
