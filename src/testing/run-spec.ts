import type { Deps } from "../context";
import type { EnvironmentConfig } from "../edge/keys";
import { modelsRefusal, runtimeContext } from "../invoke/prepare-prompt";
import { workflowContext } from "../invoke/prepare-workflow";
import type { ChatMessage } from "../runtime/providers/types";
import { completeRendered, type PromptOutcome, render } from "../runtime/run-prompt";
import { runWorkflow, type WorkflowOutcome } from "../runtime/workflow/run-workflow";
import type { Spec } from "../specs/validate-spec";

/** One run of a prompt or a workflow: what the runtime answered, with the rendered messages of a prompt. */
export type SpecRun = { kind: "prompt"; messages: ChatMessage[] | null; outcome: PromptOutcome } | { kind: "workflow"; outcome: WorkflowOutcome };

/**
 * Runs a spec once on inputs already bound to its variables, in one
 * environment (its variables, secrets and document indexes), with the same
 * runtime the invoke routes use. It records nothing: sandbox runs and test
 * suite runs are not production traffic.
 */
export async function runSpec(
  deps: Pick<Deps, "db" | "edge" | "config">,
  workspaceId: string,
  env: EnvironmentConfig,
  target: Spec,
  values: Record<string, unknown>,
): Promise<SpecRun> {
  if (target.kind === "workflow") return { kind: "workflow", outcome: await runWorkflow(target.spec, values, workflowContext(deps, workspaceId, env)) };
  const rendered = render(target.spec, values, env);
  const outcome = modelsRefusal(deps.config, target.spec, env) ?? (await completeRendered(runtimeContext(deps, env), target.spec, rendered, env));
  return { kind: "prompt", messages: "messages" in rendered ? rendered.messages : null, outcome };
}

/** The text a fulfilled run produced: a prompt's answer, or a workflow's outputs one per line; null when it was rejected. */
export function outputText(run: SpecRun): string | null {
  if (run.outcome.status === "REJECTED") return null;
  return run.kind === "prompt"
    ? (run.outcome as Extract<PromptOutcome, { status: "FULFILLED" }>).text
    : (run.outcome as Extract<WorkflowOutcome, { status: "FULFILLED" }>).outputs.map((o) => o.value).join("\n");
}

/** Why a rejected run failed, in one line; null when it was fulfilled. */
export function rejectionMessage(run: SpecRun): string | null {
  if (run.outcome.status === "FULFILLED") return null;
  if (run.kind === "prompt") {
    const { error } = run.outcome as Extract<PromptOutcome, { status: "REJECTED" }>;
    return `${error.code}: ${error.message}`;
  }
  const { error } = run.outcome as Extract<WorkflowOutcome, { status: "REJECTED" }>;
  return `Node "${error.node_id}" failed: ${error.message}`;
}
