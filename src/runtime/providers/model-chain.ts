import type { ModelSpec } from "../../specs/prompt-spec";
import { providerFor } from "./index";
import { type ModelCall, type ModelChunk, type ModelResult, ProviderError, type ProviderFailure } from "./types";

/** Calls of one model, the first included, before the chain moves on to the next model. */
export const MAX_ATTEMPTS_PER_MODEL = 3;
/** The first retry waits about this long (less under a short timeout), doubling each time. */
const BASE_BACKOFF_MS = 250;
const MAX_BACKOFF_MS = 4_000;

/** Which model answered (for a rejection: was tried last), and how many provider calls the execution made in all. */
export interface ModelServed {
  provider: ModelSpec["provider"];
  name: string;
  /** Null when the prompt's own model answered; otherwise the position in `fallback_models`. */
  fallbackIndex: number | null;
  attempts: number;
}

/** A call without its model and signal: the chain picks the model and keeps the time. */
export type ChainCall = Omit<ModelCall, "model" | "signal">;

/** What the chain ended with: an answer, or the last model's failure. */
export type ChainOutcome = { ok: true; result: ModelResult; served: ModelServed } | { ok: false; error: unknown; served: ModelServed };

/** What a streamed chain yields: the model once its answer has begun, that answer's chunks, or the failure it ended with. */
export type ChainItem = { answering: ModelServed } | ModelChunk | { failed: unknown; served: ModelServed };

/**
 * The request's one deadline (UPSTREAM_TIMEOUT_MS), shared by every call,
 * retry, wait and fallback, so that none of them can stretch the request.
 */
class Budget {
  readonly signal: AbortSignal;
  private readonly deadline: number;

  constructor(timeoutMs: number) {
    this.signal = AbortSignal.timeout(timeoutMs);
    this.deadline = Date.now() + timeoutMs;
  }

  remaining() {
    return Math.max(0, this.deadline - Date.now());
  }
}

/**
 * The part of the budget one model may use, with its retries: an equal share
 * of what is left when its turn comes, the last model all of it. So a primary
 * that hangs still leaves its fallbacks time to answer.
 *
 * Timers are AbortSignal.timeout, never setTimeout/clearTimeout, and the last
 * model (usually the only one) uses the budget's own signal: a cleared
 * setTimeout still costs each request dearly in workerd.
 */
class ModelWindow {
  readonly signal: AbortSignal;
  private readonly deadline: number;
  private readonly stop: { extend(): void; close(): void };

  constructor(budget: Budget, modelsLeft: number) {
    const ms = budget.remaining() / modelsLeft;
    this.deadline = Date.now() + ms;
    if (modelsLeft === 1) {
      this.signal = budget.signal;
      this.stop = { extend() {}, close() {} };
      return;
    }
    const controller = new AbortController();
    const timeout = AbortSignal.timeout(ms);
    const abort = () => controller.abort();
    if (budget.signal.aborted) abort();
    budget.signal.addEventListener("abort", abort, { once: true });
    timeout.addEventListener("abort", abort, { once: true });
    this.signal = controller.signal;
    this.stop = {
      extend: () => timeout.removeEventListener("abort", abort),
      close: () => {
        timeout.removeEventListener("abort", abort);
        budget.signal.removeEventListener("abort", abort);
      },
    };
  }

  remaining() {
    return Math.max(0, this.deadline - Date.now());
  }

  /** A streamed answer has begun: there is no going back to a fallback, so it may use the rest of the budget. */
  extendToBudget() {
    this.stop.extend();
  }

  close() {
    this.stop.close();
  }
}

/** Retry-After as milliseconds from now: seconds or an HTTP date; null when absent or unreadable. */
export function retryAfterMs(value: string | null, now = Date.now()): number | null {
  if (!value) return null;
  if (/^\s*\d+(\.\d+)?\s*$/.test(value)) return Number(value) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

/** Exponential backoff with jitter (half fixed, half random), scaled down under a short window so that retries fit in it. */
function backoffMs(attempt: number, windowMs: number) {
  const ceiling = Math.min(Math.min(BASE_BACKOFF_MS, windowMs / 20) * 2 ** (attempt - 1), MAX_BACKOFF_MS);
  return ceiling / 2 + (Math.random() * ceiling) / 2;
}

const failureOf = (error: unknown): ProviderFailure | null => (error instanceof ProviderError ? error.failure : null);

/**
 * How long to wait before calling the same model again, or null for no retry:
 * only connection errors, 5xx and 429 are retried (a 429 after its
 * Retry-After when given), and only when the window still holds the wait and
 * then as long as the failed call took (at least as long as the wait), so
 * the next call has a fair chance to end in time.
 */
function retryDelay(error: unknown, attempt: number, window: ModelWindow, failedCallMs: number): number | null {
  const failure = failureOf(error);
  if (!failure || attempt >= MAX_ATTEMPTS_PER_MODEL) return null;
  let delay: number;
  if (failure.kind === "rate_limited") delay = retryAfterMs(failure.retryAfter) ?? backoffMs(attempt, window.remaining());
  else if (failure.kind === "upstream" && failure.transient) delay = backoffMs(attempt, window.remaining());
  else return null;
  return delay + Math.max(delay, failedCallMs) <= window.remaining() ? delay : null;
}

/** A 5xx, a connection failure, a timeout or a rate limit: another model may answer. Credentials or a bad request would fail there too, or should not be hidden. */
function worthFallingBack(error: unknown) {
  const failure = failureOf(error);
  return failure !== null && (failure.kind === "rate_limited" || failure.kind === "timeout" || (failure.kind === "upstream" && failure.transient === true));
}

/** Waits `ms`, or less if `signal` aborts; says whether the wait ran its course. */
function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  const over = AbortSignal.any([signal, AbortSignal.timeout(ms)]);
  return new Promise((resolve) => over.addEventListener("abort", () => resolve(!signal.aborted), { once: true }));
}

const servedBy = (model: ModelSpec, index: number, attempts: number): ModelServed => ({
  provider: model.provider,
  name: model.name,
  fallbackIndex: index === 0 ? null : index - 1,
  attempts,
});

/**
 * Asks for a whole answer: each model in order (the prompt's own, then its
 * fallbacks), each retried on transient failures within its window, until
 * one answers or the failure is one no other model would fix.
 */
export async function completeWithFallbacks(models: ModelSpec[], call: ChainCall, timeoutMs: number): Promise<ChainOutcome> {
  const budget = new Budget(timeoutMs);
  let attempts = 0;
  let failed: { error: unknown; served: ModelServed } | null = null;
  for (const [index, model] of models.entries()) {
    const window = new ModelWindow(budget, models.length - index);
    try {
      for (let attempt = 1; ; attempt++) {
        attempts++;
        const started = Date.now();
        try {
          const result = await providerFor(model).complete({ ...call, model, signal: window.signal });
          return { ok: true, result, served: servedBy(model, index, attempts) };
        } catch (error) {
          failed = { error, served: servedBy(model, index, attempts) };
          const delay = retryDelay(error, attempt, window, Date.now() - started);
          if (delay === null || !(await sleep(delay, window.signal))) break;
        }
      }
    } finally {
      window.close();
    }
    if (!worthFallingBack(failed.error) || budget.signal.aborted) break;
  }
  if (!failed) throw new Error("A prompt has at least one model");
  return { ok: false, ...failed };
}

/**
 * Streams an answer with the same retries and fallbacks, but only until the
 * answer begins: once a model has produced its first chunk (which goes on to
 * the client), a failure ends the stream as `failed`, never with a retry.
 */
export async function* streamWithFallbacks(models: ModelSpec[], call: ChainCall, timeoutMs: number): AsyncGenerator<ChainItem> {
  const budget = new Budget(timeoutMs);
  let attempts = 0;
  let failed: { failed: unknown; served: ModelServed } | null = null;
  for (const [index, model] of models.entries()) {
    const window = new ModelWindow(budget, models.length - index);
    try {
      for (let attempt = 1; ; attempt++) {
        attempts++;
        const started = Date.now();
        const chunks = providerFor(model).stream({ ...call, model, signal: window.signal });
        let first: IteratorResult<ModelChunk>;
        try {
          first = await chunks.next();
        } catch (error) {
          failed = { failed: error, served: servedBy(model, index, attempts) };
          const delay = retryDelay(error, attempt, window, Date.now() - started);
          if (delay === null || !(await sleep(delay, window.signal))) break;
          continue;
        }
        const served = servedBy(model, index, attempts);
        window.extendToBudget();
        try {
          yield { answering: served };
          for (let item = first; !item.done; item = await chunks.next()) yield item.value;
        } catch (error) {
          yield { failed: error, served };
        } finally {
          // Cancels the provider's body when the stream is left early.
          await chunks.return(undefined);
        }
        return;
      }
    } finally {
      window.close();
    }
    if (!worthFallingBack(failed.failed) || budget.signal.aborted) break;
  }
  if (!failed) throw new Error("A prompt has at least one model");
  yield failed;
}
