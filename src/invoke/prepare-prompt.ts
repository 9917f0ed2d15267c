import type { Deps, Principal } from "../context";
import type { EnvironmentConfig, ReleaseSnapshot } from "../edge/keys";
import { matchingLookups } from "../edge/prefetch";
import { type ReleaseQuery, type RolloutArm, resolveRelease } from "../edge/resolve-release";
import { guardedFetch } from "../egress/guarded-fetch";
import { modelEgressRefusal } from "../egress/model-egress";
import { egressPolicy } from "../egress/policy";
import { fail, ok, type Result } from "../lib/result";
import type { ServerTiming } from "../lib/server-timing";
import type { SubjectSource } from "../rollouts/split";
import type { RuntimeEnvironment } from "../runtime/environment";
import { bindInputs, type TypedInput } from "../runtime/inputs";
import type { ChatMessage } from "../runtime/providers/types";
import { type PromptOutcome, type RuntimeContext, render } from "../runtime/run-prompt";
import type { PromptSpec } from "../specs/prompt-spec";
import type { ExecutionRecord } from "./execution-record";
import { environmentConfig, invokeEnvironment } from "./invoke-environment";

/** What every Vellum execute request carries besides the deployment it names. */
export interface InvocationRequest {
  inputs: TypedInput[];
  release_tag?: string | null | undefined;
  external_id?: string | null | undefined;
  metadata?: Record<string, unknown> | null | undefined;
}

/** The body of Vellum's execute-prompt request, as Stagecraft uses it. */
export interface ExecutePromptRequest extends InvocationRequest {
  prompt_deployment_id?: string | null | undefined;
  prompt_deployment_name?: string | null | undefined;
}

/**
 * Refuses a request that names its deployment neither way, or both ways
 * (`{prefix}_name` and `{prefix}_id`): which one should win is the caller's
 * to say, not ours. Checked before any read.
 */
export function namingRefusal(prefix: "prompt_deployment" | "workflow_deployment", name: string | null | undefined, id: string | null | undefined) {
  const nameField = `${prefix}_name`;
  const idField = `${prefix}_id`;
  if (!name && !id) {
    return fail("VALIDATION_FAILED", `Name the ${prefix === "prompt_deployment" ? "deployment" : "workflow deployment"}`, [
      { path: `body.${nameField}`, message: `Give ${nameField} or ${idField}` },
    ]);
  }
  if (name && id) {
    const message = `Give ${nameField} or ${idField}, not both`;
    return fail("VALIDATION_FAILED", `Give one of ${nameField} and ${idField}, not both`, [
      { path: `body.${nameField}`, message },
      { path: `body.${idField}`, message },
    ]);
  }
  return null;
}

/** Everything resolved and rendered, ready for the model call. */
export interface PreparedPrompt extends PreparedInvocation {
  spec: PromptSpec;
  /** The rendered messages, or the rejection a template failure caused. */
  rendered: { messages: ChatMessage[] } | { outcome: PromptOutcome };
}

/**
 * What the runtime calls the network with: every URL passes the egress
 * policy, narrowed by the environment's allowlist when `env` is given, and
 * no redirect is followed (egress/guarded-fetch.ts).
 */
export function runtimeContext(deps: Pick<Deps, "config">, env?: RuntimeEnvironment): RuntimeContext {
  return { fetch: guardedFetch(egressPolicy(deps.config, env)), masterKey: deps.config.masterKey, timeoutMs: deps.config.upstreamTimeoutMs };
}

/**
 * A rejection, before any call, of a prompt whose models the environment
 * may not call: a base_url the egress policy refuses (the spec may have been
 * saved before the allowlist changed), or a provider credential bound to
 * other hosts. Null when every model may be called.
 */
export function modelsRefusal(config: Deps["config"], spec: Pick<PromptSpec, "model" | "fallback_models">, env: RuntimeEnvironment): PromptOutcome | null {
  const policy = egressPolicy(config, env);
  for (const model of [spec.model, ...(spec.fallback_models ?? [])]) {
    const refusal = modelEgressRefusal(model, policy, env.secret_hosts);
    if (refusal) return { status: "REJECTED", error: { code: "PROVIDER_ERROR", message: `Egress refused for ${model.provider}/${model.name}: ${refusal}` } };
  }
  return null;
}

/**
 * The invoke path up to the model call: environment and release from KV,
 * inputs checked against the release's variables, the models' egress
 * checked, templates rendered. No D1.
 */
export async function preparePrompt(
  deps: Pick<Deps, "kv" | "edge" | "newId" | "now" | "config">,
  principal: Principal,
  environmentName: string | undefined,
  request: ExecutePromptRequest,
  timing: ServerTiming,
  /** The incoming request, whose reads authentication may have started (see edge/prefetch.ts). */
  incoming?: Request,
): Promise<Result<PreparedPrompt>> {
  const naming = namingRefusal("prompt_deployment", request.prompt_deployment_name, request.prompt_deployment_id);
  if (naming) return naming;
  const ref = await invokeEnvironment(deps, principal, environmentName);
  if (!ref.ok) return ref;
  const query: ReleaseQuery = {
    workspaceId: principal.workspaceId,
    environmentId: ref.value.id,
    kind: "prompt",
    deploymentId: request.prompt_deployment_id,
    deploymentName: request.prompt_deployment_name,
    tag: request.release_tag,
  };
  // Started during authentication when possible; otherwise the two reads share one KV round trip.
  const prefetched = incoming ? await matchingLookups(incoming, query) : null;
  const [resolved, env] = await Promise.all([
    prefetched?.release ?? resolveRelease(deps.edge, query, undefined, subjectSource(request, incoming)),
    prefetched?.config ?? environmentConfig(deps, principal.workspaceId, ref.value),
  ]);
  if (!resolved.ok) return resolved;
  timing.lap("resolve");
  const spec = resolved.value.release.spec as PromptSpec;
  const values = bindInputs(spec.input_variables, request.inputs);
  if (!values.ok) return values;
  const refused = modelsRefusal(deps.config, spec, env);
  const rendered = refused ? { outcome: refused } : render(spec, values.value, env);
  timing.lap("render");
  return ok({
    executionId: deps.newId("execution"),
    startedAt: deps.now().getTime(),
    env,
    release: resolved.value.release,
    tag: resolved.value.tag,
    arm: resolved.value.arm,
    shadow: resolved.value.shadow,
    spec,
    rendered,
  });
}

/** Where a rollout's split finds the request's subject. */
export function subjectSource(request: InvocationRequest, incoming: Request | undefined): SubjectSource {
  return { external_id: request.external_id, metadata: request.metadata, headers: incoming?.headers };
}

/** What every prepared invocation, prompt or workflow, knows. */
export interface PreparedInvocation {
  executionId: string;
  startedAt: number;
  env: EnvironmentConfig;
  release: ReleaseSnapshot;
  tag: string;
  /** The rollout arm that chose the release, when a rollout splits the tag. */
  arm: RolloutArm | null;
  /** A candidate to run after the answer, for comparison only (a shadow rollout's sample). */
  shadow: ReleaseSnapshot | null;
}

/** Which release served the call: in every response body, beside the X-Release-Id header. */
export function releaseServed(prepared: PreparedInvocation) {
  const { release, arm } = prepared;
  return {
    id: release.id,
    version: release.version,
    environment: prepared.env.name,
    deployment_id: release.deployment_id,
    ...(arm ? { rollout: { id: arm.rollout_id, arm: arm.arm, step: arm.step } } : {}),
  };
}

/** The fields of an execution record that do not depend on what ran. */
export function executionRecordBase(principal: Principal, prepared: PreparedInvocation, request: InvocationRequest, latencyMs: number) {
  return {
    id: prepared.executionId,
    workspace_id: principal.workspaceId,
    environment_id: prepared.env.id,
    deployment_id: prepared.release.deployment_id,
    release_id: prepared.release.id,
    release_tag: prepared.tag,
    latency_ms: latencyMs,
    external_id: request.external_id ?? null,
    metadata: request.metadata ?? null,
    inputs: request.inputs,
    started_at: prepared.startedAt,
    rollout_id: prepared.arm?.rollout_id ?? null,
    rollout_arm: prepared.arm?.arm ?? null,
    rollout_step: prepared.arm?.step ?? null,
  };
}

export function promptExecutionRecord(principal: Principal, prepared: PreparedPrompt, request: ExecutePromptRequest, outcome: PromptOutcome, latencyMs: number): ExecutionRecord {
  const fulfilled = outcome.status === "FULFILLED" ? outcome : null;
  return {
    ...executionRecordBase(principal, prepared, request, latencyMs),
    kind: "prompt",
    status: outcome.status,
    error_code: outcome.status === "REJECTED" ? outcome.error.code : null,
    error_message: outcome.status === "REJECTED" ? outcome.error.message : null,
    model_provider: prepared.spec.model.provider,
    model_name: prepared.spec.model.name,
    input_tokens: fulfilled?.usage?.input_tokens ?? null,
    output_tokens: fulfilled?.usage?.output_tokens ?? null,
    cost_usd: fulfilled?.cost ?? null,
    outputs: fulfilled ? [{ type: "STRING", value: fulfilled.text }] : null,
    nodes: null,
  };
}
