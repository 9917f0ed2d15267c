import type { Deps, Principal } from "../context";
import { environmentConfig, invokeEnvironment } from "../invoke/invoke-environment";
import { fail, ok, type Result } from "../lib/result";
import { bindValues } from "../runtime/inputs";
import type { ChatMessage, TokenUsage } from "../runtime/providers/types";
import type { VellumError } from "../runtime/run-prompt";
import type { NodeResult } from "../runtime/workflow/run-workflow";
import type { PromptSpec } from "../specs/prompt-spec";
import type { Spec } from "../specs/validate-spec";
import type { WorkflowSpec } from "../specs/workflow-spec";
import { outputText, rejectionMessage, runSpec } from "./run-spec";
import { findSandbox, findSandboxRevision } from "./sandbox-repository";

export interface SandboxRunInput {
  scenario?: string | undefined;
  inputs?: Record<string, unknown> | undefined;
  revision?: number | undefined;
}

export interface SandboxRunResult {
  state: "FULFILLED" | "REJECTED";
  sandbox: { id: string; revision: number };
  environment: string;
  scenario: string | null;
  messages: ChatMessage[] | null;
  meta: { model_name: string; latency: number };
  outputs?: { type: "STRING"; name?: string; value: string }[];
  error?: VellumError | { code: "NODE_EXECUTION"; message: string };
  /** Workflows: every node's status, output and timing. */
  nodes?: NodeResult[];
  usage?: TokenUsage | null;
  cost_usd?: number | null;
  expected?: unknown;
  matches_expected?: boolean | null;
}

/**
 * Runs a sandbox's draft (the latest revision, or `revision`), prompt or
 * workflow, through the same runtime as a deployed release, in one environment (for its variables
 * and provider secrets), without deploying anything. Inputs come from a
 * named scenario, from `inputs`, or both (`inputs` win).
 */
export async function runSandbox(
  deps: Deps,
  principal: Principal,
  sandboxId: string,
  environmentName: string | undefined,
  input: SandboxRunInput,
): Promise<Result<SandboxRunResult>> {
  const sandbox = await findSandbox(deps.db, principal.workspaceId, sandboxId);
  if (!sandbox) return fail("NOT_FOUND", `No sandbox with id "${sandboxId}"`);
  const ref = await invokeEnvironment(deps, principal, environmentName);
  if (!ref.ok) return ref;
  const env = await environmentConfig(deps, principal.workspaceId, ref.value);
  let draft = { revision: sandbox.revision, spec: sandbox.spec, scenarios: sandbox.scenarios };
  if (input.revision !== undefined && input.revision !== sandbox.revision) {
    const old = await findSandboxRevision(deps.db, principal.workspaceId, sandbox.id, input.revision);
    if (!old) return fail("NOT_FOUND", `Sandbox "${sandbox.id}" has no revision ${input.revision}`, [{ path: "body.revision", message: "Unknown revision" }]);
    draft = old;
  }
  const scenario = input.scenario === undefined ? undefined : draft.scenarios.find((s) => s.name === input.scenario);
  if (input.scenario !== undefined && !scenario) return fail("NOT_FOUND", `No scenario named "${input.scenario}"`, [{ path: "body.scenario", message: "Unknown scenario" }]);
  const variables = (draft.spec as PromptSpec | WorkflowSpec).input_variables;
  const values = bindValues(variables, { ...scenario?.inputs, ...input.inputs }, input.inputs ?? {}, "body.inputs", "body.scenario");
  if (!values.ok) return values;
  const started = deps.now().getTime();
  const target = { kind: sandbox.kind, spec: draft.spec } as Spec;
  const run = await runSpec(deps, principal.workspaceId, env, target, values.value);
  const latency = deps.now().getTime() - started;
  const base = { sandbox: { id: sandbox.id, revision: draft.revision }, environment: env.name, scenario: scenario?.name ?? null };
  if (run.kind === "workflow") {
    const outcome = run.outcome;
    const result = { ...base, state: outcome.status, messages: null, meta: { model_name: "workflow", latency }, nodes: outcome.nodes };
    if (outcome.status === "REJECTED") return ok({ ...result, error: { code: "NODE_EXECUTION", message: rejectionMessage(run)! } });
    const text = outputText(run)!;
    return ok({
      ...result,
      outputs: outcome.outputs.map((o) => ({ type: "STRING", name: o.name, value: o.value })),
      expected: scenario?.expected ?? null,
      matches_expected: scenario?.expected === undefined ? null : scenario.expected === text,
    });
  }
  const outcome = run.outcome;
  const result: SandboxRunResult = { ...base, state: outcome.status, messages: run.messages, meta: { model_name: (draft.spec as PromptSpec).model.name, latency } };
  if (outcome.status === "REJECTED") return ok({ ...result, error: outcome.error });
  const expected = scenario?.expected;
  return ok({
    ...result,
    outputs: [{ type: "STRING", value: outcome.text }],
    usage: outcome.usage,
    cost_usd: outcome.cost,
    expected: expected ?? null,
    matches_expected: expected === undefined ? null : expected === outcome.text,
  });
}
