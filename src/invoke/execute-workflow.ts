import type { Deps, Principal } from "../context";
import type { RolloutArm } from "../edge/resolve-release";
import { ok, type Result } from "../lib/result";
import { runWorkflow, type WorkflowOutcome } from "../runtime/workflow/run-workflow";
import { enqueueExecution } from "./execution-record";
import { releaseServed } from "./prepare-prompt";
import {
  type ExecuteWorkflowRequest,
  nodeTimings,
  type PreparedWorkflow,
  prepareWorkflow,
  workflowContext,
  workflowError,
  workflowExecutionRecord,
  workflowOutputs,
} from "./prepare-workflow";
import { runShadow, workflowAnswer } from "./shadow-execution";

type ExecuteDeps = Pick<Deps, "kv" | "edge" | "db" | "newId" | "now" | "config" | "events">;

/** Vellum's execute-workflow-stream request: NODE in `event_types` adds per-node events. */
export interface ExecuteWorkflowStreamRequest extends ExecuteWorkflowRequest {
  event_types?: ("NODE" | "WORKFLOW")[] | null | undefined;
}

/** An executed workflow: the release that served it, and Vellum's result. */
export interface WorkflowExecution {
  releaseId: string;
  /** The rollout arm that chose the release, when a rollout splits the tag. */
  arm: RolloutArm | null;
  result: ReturnType<typeof workflowResult>;
}

/** A streaming workflow execution, ready to run. */
export interface WorkflowStream {
  releaseId: string;
  /** The rollout arm that chose the release, when a rollout splits the tag. */
  arm: RolloutArm | null;
  /** Runs the workflow, sending Vellum's events one at a time, and records the execution. */
  events: (send: (event: unknown) => void) => Promise<void>;
}

/** Executes a workflow deployment as Vellum's execute-workflow does, and hands the execution record to the queue. */
export async function executeWorkflow(
  deps: ExecuteDeps,
  background: Pick<ExecutionContext, "waitUntil">,
  principal: Principal,
  environmentName: string | undefined,
  request: ExecuteWorkflowRequest,
  incoming?: Request,
): Promise<Result<WorkflowExecution>> {
  const ready = await prepareWorkflow(deps, principal, environmentName, request, incoming);
  if (!ready.ok) return ready;
  const prepared = ready.value;
  const outcome = await runWorkflow(prepared.spec, prepared.values, workflowContext(deps, principal.workspaceId, prepared.env));
  record(deps, background, principal, prepared, request, outcome);
  return ok({ releaseId: prepared.release.id, arm: prepared.arm, result: workflowResult(prepared, request, outcome, deps.now().toISOString()) });
}

/**
 * Executes a workflow deployment as Vellum's execute-workflow-stream does:
 * WORKFLOW INITIATED, NODE events when `event_types` asks for them, then
 * WORKFLOW FULFILLED or REJECTED.
 */
export async function executeWorkflowStream(
  deps: ExecuteDeps,
  background: Pick<ExecutionContext, "waitUntil">,
  principal: Principal,
  environmentName: string | undefined,
  request: ExecuteWorkflowStreamRequest,
  incoming?: Request,
): Promise<Result<WorkflowStream>> {
  const ready = await prepareWorkflow(deps, principal, environmentName, request, incoming);
  if (!ready.ok) return ready;
  const prepared = ready.value;
  const withNodes = request.event_types?.includes("NODE") ?? false;
  const now = () => deps.now().toISOString();
  const envelope = (type: "WORKFLOW" | "NODE", data: unknown) => ({ execution_id: prepared.executionId, external_id: request.external_id ?? null, type, data });
  return ok({
    releaseId: prepared.release.id,
    arm: prepared.arm,
    events: async (send) => {
      send(envelope("WORKFLOW", { id: `${prepared.executionId}:initiated`, state: "INITIATED", ts: now() }));
      const ctx = workflowContext(deps, principal.workspaceId, prepared.env);
      if (withNodes) {
        ctx.onNode = (node) => {
          const base = {
            id: `${prepared.executionId}:${node.id}:${node.status}`,
            node_id: node.id,
            node_result_id: `${prepared.executionId}:${node.id}`,
            state: node.status,
            ts: now(),
          };
          if (node.status === "INITIATED") send(envelope("NODE", base));
          else if (node.status === "FULFILLED") send(envelope("NODE", { ...base, output_values: [{ type: "JSON", node_output_id: `${node.id}.output`, value: node.output }] }));
          else if (node.status === "REJECTED") send(envelope("NODE", { ...base, error: { message: node.error ?? "failed", code: "NODE_EXECUTION" } }));
        };
      }
      const outcome = await runWorkflow(prepared.spec, prepared.values, ctx);
      send(envelope("WORKFLOW", resultEvent(prepared, outcome, now())));
      record(deps, background, principal, prepared, request, outcome);
    },
  });
}

/** Vellum's execute-workflow result, with the release that served it and every node's timing. */
function workflowResult(prepared: PreparedWorkflow, request: ExecuteWorkflowRequest, outcome: WorkflowOutcome, ts: string) {
  return {
    execution_id: prepared.executionId,
    external_id: request.external_id ?? null,
    data: resultEvent(prepared, outcome, ts),
    release: releaseServed(prepared),
    nodes: nodeTimings(outcome.nodes),
  };
}

function resultEvent(prepared: PreparedWorkflow, outcome: WorkflowOutcome, ts: string) {
  const id = `${prepared.executionId}:result`;
  return outcome.status === "FULFILLED"
    ? { id, state: "FULFILLED" as const, ts, outputs: workflowOutputs(outcome) }
    : { id, state: "REJECTED" as const, ts, error: workflowError(outcome) };
}

function record(
  deps: ExecuteDeps,
  background: Pick<ExecutionContext, "waitUntil">,
  principal: Principal,
  prepared: PreparedWorkflow,
  request: ExecuteWorkflowRequest,
  outcome: WorkflowOutcome,
) {
  const latency = deps.now().getTime() - prepared.startedAt;
  enqueueExecution(deps, background, workflowExecutionRecord(principal, prepared, request, outcome, latency));
  runShadow(deps, background, principal, prepared, request, workflowAnswer(outcome));
}
