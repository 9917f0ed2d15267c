import type { Deps } from "../context";
import type { EnvironmentConfig } from "../edge/keys";
import { resolveRelease } from "../edge/resolve-release";
import { bindInputs, typedInputs } from "../runtime/inputs";
import { completeRendered, type RuntimeContext, render } from "../runtime/run-prompt";
import type { PromptSpec } from "../specs/prompt-spec";

/** What a prompt deployment run from inside Stagecraft (a workflow node, a test evaluator) answered. */
export type DeploymentAnswer = { text: string } | { error: string };

/**
 * Runs one environment's release of a prompt deployment, by name and tag,
 * from KV as the invoke path does, on plain values. With `declaredOnly`,
 * values the prompt does not declare are left out instead of refused, so a
 * caller can offer more than a given prompt uses.
 */
export async function runPromptDeployment(
  deps: Pick<Deps, "edge">,
  runtime: RuntimeContext,
  workspaceId: string,
  env: EnvironmentConfig,
  request: { name: string; tag?: string | undefined; values: Record<string, unknown>; declaredOnly?: boolean },
): Promise<DeploymentAnswer> {
  const resolved = await resolveRelease(deps.edge, { workspaceId, environmentId: env.id, kind: "prompt", deploymentName: request.name, tag: request.tag });
  if (!resolved.ok) return { error: resolved.error.detail };
  const spec = resolved.value.release.spec as PromptSpec;
  const declared = new Set(spec.input_variables.map((v) => v.key));
  const values = request.declaredOnly ? Object.fromEntries(Object.entries(request.values).filter(([key]) => declared.has(key))) : request.values;
  const bound = bindInputs(spec.input_variables, typedInputs(spec.input_variables, values), `deployment ${request.name}`);
  if (!bound.ok) return { error: bound.error.detail };
  const rendered = render(spec, bound.value, env);
  const outcome = await completeRendered(runtime, spec, rendered, env);
  return outcome.status === "FULFILLED" ? { text: outcome.text } : { error: `${outcome.error.code}: ${outcome.error.message}` };
}
