import type { Deps, Principal } from "../context";
import type { RolloutArm } from "../edge/resolve-release";
import { ok, type Result } from "../lib/result";
import type { ServerTiming } from "../lib/server-timing";
import type { ModelServed } from "../runtime/providers/model-chain";
import { completeRendered, type PromptOutcome, streamPrompt } from "../runtime/run-prompt";
import { type ExecutionRecord, enqueueExecution } from "./execution-record";
import { type ExecutePromptRequest, type PreparedPrompt, preparePrompt, promptExecutionRecord, releaseServed, runtimeContext } from "./prepare-prompt";
import { promptAnswer, runShadow } from "./shadow-execution";

type ExecuteDeps = Pick<Deps, "kv" | "edge" | "db" | "newId" | "now" | "config" | "events">;

/** A provider's rate limit: the HTTP edge passes it on as 429 with Retry-After, instead of a result. */
export interface RateLimit {
  retryAfter: string | null | undefined;
  detail: string;
}

/** An executed prompt: the release that served it, and Vellum's result. */
export interface PromptExecution {
  releaseId: string;
  /** The rollout arm that chose the release, when a rollout splits the tag. */
  arm: RolloutArm | null;
  rateLimit: RateLimit | null;
  /** The model that answered (or was tried last); null when none was called. */
  model: ModelServed | null;
  result: ReturnType<typeof promptResult>;
}

/** A streaming prompt execution, its first event already in hand. */
export interface PromptStream {
  releaseId: string;
  arm: RolloutArm | null;
  /** Set when the first event was a rate limit: nothing is streamed then. */
  rateLimit: RateLimit | null;
  /** The model whose answer is streamed (or that was tried last); null when none was called. */
  model: ModelServed | null;
  /** Sends Vellum's events, one at a time, until the execution ends. */
  events: (send: (event: unknown) => void) => Promise<void>;
}

/**
 * Executes a prompt deployment as Vellum's execute-prompt does: prepares it
 * (KV only), answers it (the model, or the rejection rendering decided),
 * and hands the execution record to the queue.
 */
export async function executePrompt(
  deps: ExecuteDeps,
  background: Pick<ExecutionContext, "waitUntil">,
  principal: Principal,
  environmentName: string | undefined,
  request: ExecutePromptRequest,
  timing: ServerTiming,
  /** The incoming request, whose reads authentication may have started (see edge/prefetch.ts). */
  incoming?: Request,
): Promise<Result<PromptExecution>> {
  const ready = await preparePrompt(deps, principal, environmentName, request, timing, incoming);
  if (!ready.ok) return ready;
  const prepared = ready.value;
  const outcome = await completeRendered(runtimeContext(deps, prepared.env), prepared.spec, prepared.rendered, prepared.env);
  timing.lap("model");
  const latency = deps.now().getTime() - prepared.startedAt;
  enqueueExecution(deps, background, recordOf(principal, prepared, request, outcome, latency));
  runShadow(deps, background, principal, prepared, request, promptAnswer(outcome));
  return ok({
    releaseId: prepared.release.id,
    arm: prepared.arm,
    rateLimit: rateLimitOf(prepared, outcome),
    model: outcome.model ?? null,
    result: promptResult(prepared, outcome, latency),
  });
}

/**
 * Executes a prompt deployment as Vellum's execute-prompt-stream does:
 * INITIATED, STREAMING per text delta, then FULFILLED or REJECTED. The
 * execution is recorded once its outcome is known.
 */
export async function executePromptStream(
  deps: ExecuteDeps,
  background: Pick<ExecutionContext, "waitUntil">,
  principal: Principal,
  environmentName: string | undefined,
  request: ExecutePromptRequest,
  timing: ServerTiming,
  /** The incoming request, whose reads authentication may have started (see edge/prefetch.ts). */
  incoming?: Request,
): Promise<Result<PromptStream>> {
  const ready = await preparePrompt(deps, principal, environmentName, request, timing, incoming);
  if (!ready.ok) return ready;
  const prepared = ready.value;
  const { rendered } = prepared;
  // A prompt whose templates failed has its rejection already; only a rendered one streams from the model.
  const stream = "outcome" in rendered ? null : streamPrompt(runtimeContext(deps, prepared.env), prepared.spec, rendered.messages, prepared.env);
  // Wait for the first event before the HTTP edge commits to a 200: a rate limit still becomes a 429,
  // and the model that answers (after any retries and fallbacks) is known for the X-Model header.
  let model: ModelServed | null = null;
  let first = stream ? (await stream.next()).value : (rendered as { outcome: PromptOutcome });
  if (stream && first && "answering" in first) {
    model = first.answering;
    first = (await stream.next()).value;
  }
  if (first && "outcome" in first) model = first.outcome.model ?? null;
  const latency = () => deps.now().getTime() - prepared.startedAt;
  const record = (outcome: PromptOutcome) => {
    enqueueExecution(deps, background, recordOf(principal, prepared, request, outcome, latency()));
    runShadow(deps, background, principal, prepared, request, promptAnswer(outcome));
  };
  let rateLimit: RateLimit | null = null;
  if (first && "outcome" in first) {
    record(first.outcome);
    rateLimit = rateLimitOf(prepared, first.outcome);
  }

  const id = prepared.executionId;
  return ok({
    releaseId: prepared.release.id,
    arm: prepared.arm,
    rateLimit,
    model,
    events: async (send) => {
      send({ state: "INITIATED", execution_id: id, meta: executionMeta(prepared, null, latency(), model), release: releaseServed(prepared) });
      for (let item = first; item; item = stream ? (await stream.next()).value : undefined) {
        // The chain names its model only once, before the first delta, which was read above.
        if ("answering" in item) continue;
        if ("delta" in item) {
          send({ state: "STREAMING", execution_id: id, output: { type: "STRING", value: item.delta }, output_index: 0 });
          continue;
        }
        const outcome = item.outcome;
        const meta = executionMeta(prepared, outcome, latency());
        if (outcome.status === "FULFILLED") send({ state: "FULFILLED", execution_id: id, outputs: [{ type: "STRING", value: outcome.text }], meta });
        else send({ state: "REJECTED", execution_id: id, error: outcome.error, meta });
        // An outcome that came first was recorded before the stream began.
        if (item !== first) record(outcome);
        break;
      }
    },
  });
}

/**
 * The execution record, naming the model that answered (or was tried last)
 * rather than the spec's first, with the provider calls it took.
 */
function recordOf(principal: Principal, prepared: PreparedPrompt, request: ExecutePromptRequest, outcome: PromptOutcome, latencyMs: number): ExecutionRecord {
  const record = promptExecutionRecord(principal, prepared, request, outcome, latencyMs);
  const { model } = outcome;
  if (!model) return record;
  return { ...record, model_provider: model.provider, model_name: model.name, attempts: model.attempts, fallback_index: model.fallbackIndex };
}

function rateLimitOf(prepared: PreparedPrompt, outcome: PromptOutcome): RateLimit | null {
  if (outcome.status !== "REJECTED" || !outcome.rateLimited) return null;
  return { retryAfter: outcome.retryAfter, detail: `${outcome.error.message}; retry later (execution ${prepared.executionId})` };
}

/** Vellum's execute-prompt result: FULFILLED or REJECTED, with the release that served it. */
function promptResult(prepared: PreparedPrompt, outcome: PromptOutcome, latencyMs: number) {
  const common = { execution_id: prepared.executionId, meta: executionMeta(prepared, outcome, latencyMs), release: releaseServed(prepared) };
  return outcome.status === "FULFILLED"
    ? { state: "FULFILLED" as const, outputs: [{ type: "STRING" as const, value: outcome.text }], ...common }
    : { state: "REJECTED" as const, error: outcome.error, ...common };
}

/**
 * Vellum's `meta`, always complete. `model_name` is the model that answered
 * (after fallbacks); `model_provider`, `fallback_index` and `attempts` say
 * how it came to answer, once a model was called.
 */
function executionMeta(prepared: PreparedPrompt, outcome: PromptOutcome | null, latencyMs: number, model = outcome?.model ?? null) {
  return {
    model_name: model?.name ?? prepared.spec.model.name,
    ...(model ? { model_provider: model.provider, fallback_index: model.fallbackIndex, attempts: model.attempts } : {}),
    latency: Math.round(latencyMs),
    deployment_release_tag: prepared.tag,
    prompt_version_id: prepared.release.content_hash,
    ...(prepared.arm ? { rollout: { id: prepared.arm.rollout_id, arm: prepared.arm.arm, step: prepared.arm.step } } : {}),
    ...(outcome?.status === "FULFILLED"
      ? {
          finish_reason: outcome.finishReason,
          usage: outcome.usage ? { input_token_count: outcome.usage.input_tokens, output_token_count: outcome.usage.output_tokens } : null,
          cost: outcome.cost === null ? null : { value: outcome.cost, unit: "USD" as const },
        }
      : {}),
  };
}
