import type { Deps, Principal } from "../context";
import type { ReleaseSnapshot } from "../edge/keys";
import { log } from "../lib/log";
import type { ShadowExecutionRecord } from "../queue/messages";
import { textSimilarity } from "../rollouts/similarity";
import { bindInputs } from "../runtime/inputs";
import { completeRendered, type PromptOutcome, render } from "../runtime/run-prompt";
import type { PromptSpec } from "../specs/prompt-spec";
import { type InvocationRequest, type PreparedInvocation, runtimeContext } from "./prepare-prompt";

/**
 * Runs a shadow rollout's candidate on a copy of a request whose answer the
 * caller already has (in `waitUntil`), and records the candidate's answer
 * as a shadow execution with how it compares to the served one. Nothing of
 * it reaches the caller or the environment's executions and metrics.
 */
export function runShadowPrompt(
  deps: Pick<Deps, "config" | "events" | "newId" | "now">,
  background: Pick<ExecutionContext, "waitUntil">,
  principal: Principal,
  prepared: PreparedInvocation,
  request: InvocationRequest,
  served: PromptOutcome,
) {
  const candidate = prepared.shadow;
  if (!candidate || !prepared.arm) return;
  const rolloutId = prepared.arm.rollout_id;
  background.waitUntil(
    (async () => {
      const startedAt = deps.now().getTime();
      const outcome = await answer(deps, candidate, prepared, request);
      const servedText = served.status === "FULFILLED" ? served.text : "";
      const text = outcome.status === "FULFILLED" ? outcome.text : "";
      const record: ShadowExecutionRecord = {
        id: deps.newId("execution"),
        workspace_id: principal.workspaceId,
        environment_id: prepared.env.id,
        deployment_id: candidate.deployment_id,
        rollout_id: rolloutId,
        release_id: candidate.id,
        served_execution_id: prepared.executionId,
        status: outcome.status,
        error_code: outcome.status === "REJECTED" ? outcome.error.code : null,
        latency_ms: deps.now().getTime() - startedAt,
        input_tokens: outcome.status === "FULFILLED" ? (outcome.usage?.input_tokens ?? null) : null,
        output_tokens: outcome.status === "FULFILLED" ? (outcome.usage?.output_tokens ?? null) : null,
        cost_usd: outcome.status === "FULFILLED" ? outcome.cost : null,
        outputs: outcome.status === "FULFILLED" ? [{ type: "STRING", value: text.slice(0, 20_000) }] : null,
        same_output: served.status === outcome.status && servedText === text,
        similarity: served.status === outcome.status ? textSimilarity(servedText, text) : 0,
        started_at: startedAt,
      };
      await deps.events.send({ type: "shadow_executions.recorded", records: [record] });
    })().catch((error: unknown) => log.warn("shadow execution failed", { rollout_id: rolloutId, error })),
  );
}

async function answer(deps: Pick<Deps, "config">, candidate: ReleaseSnapshot, prepared: PreparedInvocation, request: InvocationRequest): Promise<PromptOutcome> {
  const spec = candidate.spec as PromptSpec;
  const values = bindInputs(spec.input_variables, request.inputs);
  if (!values.ok) return { status: "REJECTED", error: { code: "INVALID_INPUTS", message: values.error.detail } };
  return completeRendered(runtimeContext(deps), spec, render(spec, values.value, prepared.env), prepared.env);
}
