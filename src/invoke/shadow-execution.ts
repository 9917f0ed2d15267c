import type { Deps, Principal } from "../context";
import type { ReleaseSnapshot } from "../edge/keys";
import { log } from "../lib/log";
import type { ShadowExecutionRecord } from "../queue/messages";
import { textSimilarity } from "../rollouts/similarity";
import { bindInputs } from "../runtime/inputs";
import { completeRendered, type PromptOutcome, render } from "../runtime/run-prompt";
import { runWorkflow, type WorkflowOutcome } from "../runtime/workflow/run-workflow";
import type { PromptSpec } from "../specs/prompt-spec";
import type { WorkflowSpec } from "../specs/workflow-spec";
import { type InvocationRequest, modelsRefusal, type PreparedInvocation, runtimeContext } from "./prepare-prompt";
import { workflowContext } from "./prepare-workflow";

type ShadowDeps = Pick<Deps, "db" | "edge" | "config" | "events" | "newId" | "now">;

/** An answer reduced to what a shadow execution compares and records. */
interface ShadowAnswer {
  status: "FULFILLED" | "REJECTED";
  /** The text compared with the served answer: a prompt's text, or a workflow's outputs as JSON. */
  text: string;
  errorCode: string | null;
  inputTokens: number | null;
  outputTokens: number | null;
  costUsd: number | null;
  outputs: unknown;
}

export function promptAnswer(outcome: PromptOutcome): ShadowAnswer {
  if (outcome.status === "REJECTED") return { status: "REJECTED", text: "", errorCode: outcome.error.code, inputTokens: null, outputTokens: null, costUsd: null, outputs: null };
  return {
    status: "FULFILLED",
    text: outcome.text,
    errorCode: null,
    inputTokens: outcome.usage?.input_tokens ?? null,
    outputTokens: outcome.usage?.output_tokens ?? null,
    costUsd: outcome.cost,
    outputs: [{ type: "STRING", value: outcome.text.slice(0, 20_000) }],
  };
}

export function workflowAnswer(outcome: WorkflowOutcome): ShadowAnswer {
  if (outcome.status === "REJECTED") return { status: "REJECTED", text: "", errorCode: "NODE_EXECUTION", inputTokens: null, outputTokens: null, costUsd: null, outputs: null };
  const outputs = outcome.outputs.map((o) => ({ name: o.name, value: o.value }));
  return { status: "FULFILLED", text: JSON.stringify(outputs), errorCode: null, inputTokens: null, outputTokens: null, costUsd: null, outputs };
}

/** The candidate's answer to the same inputs, in the same environment. */
async function candidateAnswer(
  deps: ShadowDeps,
  principal: Principal,
  candidate: ReleaseSnapshot,
  prepared: PreparedInvocation,
  request: InvocationRequest,
): Promise<ShadowAnswer> {
  const spec = candidate.spec as PromptSpec | WorkflowSpec;
  const values = bindInputs(spec.input_variables, request.inputs);
  if (!values.ok) return { status: "REJECTED", text: "", errorCode: "INVALID_INPUTS", inputTokens: null, outputTokens: null, costUsd: null, outputs: null };
  if (candidate.kind === "workflow") {
    return workflowAnswer(await runWorkflow(spec as WorkflowSpec, values.value, workflowContext(deps, principal.workspaceId, prepared.env)));
  }
  const prompt = spec as PromptSpec;
  const refusal = modelsRefusal(deps.config, prompt, prepared.env);
  return promptAnswer(refusal ?? (await completeRendered(runtimeContext(deps, prepared.env), prompt, render(prompt, values.value, prepared.env), prepared.env)));
}

/**
 * Runs a shadow rollout's candidate on a copy of a request whose answer the
 * caller already has (in `waitUntil`), and records the candidate's answer
 * as a shadow execution with how it compares to the served one. Nothing of
 * it reaches the caller or the environment's executions and metrics.
 */
export function runShadow(
  deps: ShadowDeps,
  background: Pick<ExecutionContext, "waitUntil">,
  principal: Principal,
  prepared: PreparedInvocation,
  request: InvocationRequest,
  served: ShadowAnswer,
) {
  const candidate = prepared.shadow;
  if (!candidate || !prepared.arm) return;
  const rolloutId = prepared.arm.rollout_id;
  background.waitUntil(
    (async () => {
      const startedAt = deps.now().getTime();
      const answer = await candidateAnswer(deps, principal, candidate, prepared, request);
      const record: ShadowExecutionRecord = {
        id: deps.newId("execution"),
        workspace_id: principal.workspaceId,
        environment_id: prepared.env.id,
        deployment_id: candidate.deployment_id,
        rollout_id: rolloutId,
        release_id: candidate.id,
        served_execution_id: prepared.executionId,
        status: answer.status,
        error_code: answer.errorCode,
        latency_ms: deps.now().getTime() - startedAt,
        input_tokens: answer.inputTokens,
        output_tokens: answer.outputTokens,
        cost_usd: answer.costUsd,
        outputs: answer.outputs,
        same_output: served.status === answer.status && served.text === answer.text,
        similarity: served.status === answer.status ? textSimilarity(served.text, answer.text) : 0,
        started_at: startedAt,
      };
      await deps.events.send({ type: "shadow_executions.recorded", records: [record] });
    })().catch((error: unknown) => log.warn("shadow execution failed", { rollout_id: rolloutId, error })),
  );
}
