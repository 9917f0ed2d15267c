import type { Deps, Principal } from "../context";
import { searchInEnvironment } from "../documents/document-indexes";
import type { EnvironmentConfig } from "../edge/keys";
import { resolveRelease } from "../edge/resolve-release";
import { egressPolicy } from "../egress/policy";
import { ok, type Result } from "../lib/result";
import { bindInputs } from "../runtime/inputs";
import { secretReader } from "../runtime/run-prompt";
import type { NodeResult, WorkflowContext, WorkflowOutcome } from "../runtime/workflow/run-workflow";
import type { WorkflowSpec } from "../specs/workflow-spec";
import type { ExecutionRecord } from "./execution-record";
import { environmentConfig, invokeEnvironment } from "./invoke-environment";
import { executionRecordBase, type InvocationRequest, namingRefusal, type PreparedInvocation, runtimeContext, subjectSource } from "./prepare-prompt";
import { runPromptDeployment } from "./run-prompt-deployment";

export interface ExecuteWorkflowRequest extends InvocationRequest {
  workflow_deployment_id?: string | null | undefined;
  workflow_deployment_name?: string | null | undefined;
}

/**
 * What workflow nodes reach outside the graph, in one environment: its
 * prompt deployments (by name and tag, from KV), its document indexes, its
 * secrets, the network.
 */
export function workflowContext(deps: Pick<Deps, "db" | "edge" | "config">, workspaceId: string, env: EnvironmentConfig): WorkflowContext {
  const runtime = runtimeContext(deps, env);
  return {
    runtime,
    env,
    egress: egressPolicy(deps.config, env),
    secret: secretReader(runtime, env),
    async search(index, query, limit, metadata) {
      const hits = await searchInEnvironment(deps, workspaceId, env.id, index, query, { limit, metadata });
      if (!hits.ok) throw new Error(hits.error.detail);
      return hits.value;
    },
    runDeployment(name, tag, values) {
      return runPromptDeployment(deps, runtime, workspaceId, env, { name, tag, values });
    },
  };
}

export interface PreparedWorkflow extends PreparedInvocation {
  spec: WorkflowSpec;
  values: Record<string, unknown>;
}

/** The release a workflow execution runs, from KV, with its inputs checked. */
export async function prepareWorkflow(
  deps: Pick<Deps, "kv" | "edge" | "newId" | "now">,
  principal: Principal,
  environmentName: string | undefined,
  request: ExecuteWorkflowRequest,
  /** The incoming request, whose headers may name the subject of a rollout's split. */
  incoming?: Request,
): Promise<Result<PreparedWorkflow>> {
  const naming = namingRefusal("workflow_deployment", request.workflow_deployment_name, request.workflow_deployment_id);
  if (naming) return naming;
  const ref = await invokeEnvironment(deps, principal, environmentName);
  if (!ref.ok) return ref;
  const [resolved, env] = await Promise.all([
    resolveRelease(
      deps.edge,
      {
        workspaceId: principal.workspaceId,
        environmentId: ref.value.id,
        kind: "workflow",
        deploymentId: request.workflow_deployment_id,
        deploymentName: request.workflow_deployment_name,
        tag: request.release_tag,
      },
      undefined,
      subjectSource(request, incoming),
    ),
    environmentConfig(deps, principal.workspaceId, ref.value),
  ]);
  if (!resolved.ok) return resolved;
  const spec = resolved.value.release.spec as WorkflowSpec;
  const values = bindInputs(spec.input_variables, request.inputs);
  if (!values.ok) return values;
  const { release, tag, arm, shadow } = resolved.value;
  return ok({ executionId: deps.newId("execution"), startedAt: deps.now().getTime(), env, release, tag, arm, shadow, spec, values: values.value });
}

/** Each node's status and timing, in whole milliseconds: for the response and the execution record. */
export function nodeTimings(nodes: NodeResult[]) {
  return nodes.map((n) => ({ id: n.id, type: n.type, status: n.status, error: n.error, started_ms: Math.round(n.started_ms), duration_ms: Math.round(n.duration_ms) }));
}

/** Vellum's outputs of a fulfilled workflow. */
export function workflowOutputs(outcome: Extract<WorkflowOutcome, { status: "FULFILLED" }>) {
  return outcome.outputs.map((o) => ({ id: o.node_id, name: o.name, type: "STRING" as const, value: o.value }));
}

export function workflowError(outcome: Extract<WorkflowOutcome, { status: "REJECTED" }>) {
  return { message: `Node "${outcome.error.node_id}" failed: ${outcome.error.message}`, code: "NODE_EXECUTION" as const, node_id: outcome.error.node_id };
}

export function workflowExecutionRecord(
  principal: Principal,
  prepared: PreparedWorkflow,
  request: ExecuteWorkflowRequest,
  outcome: WorkflowOutcome,
  latencyMs: number,
): ExecutionRecord {
  return {
    ...executionRecordBase(principal, prepared, request, latencyMs),
    kind: "workflow",
    status: outcome.status,
    error_code: outcome.status === "REJECTED" ? "NODE_EXECUTION" : null,
    error_message: outcome.status === "REJECTED" ? workflowError(outcome).message : null,
    model_provider: null,
    model_name: null,
    input_tokens: null,
    output_tokens: null,
    cost_usd: null,
    outputs: outcome.status === "FULFILLED" ? workflowOutputs(outcome) : null,
    nodes: nodeTimings(outcome.nodes),
  };
}
