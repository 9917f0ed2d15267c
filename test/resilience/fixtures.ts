import { env } from "cloudflare:workers";
import { UPSTREAM } from "../execute/upstream";
import { call, createWorkspace, type TestWorkspace } from "../harness";
import { createSandbox } from "../lifecycle/fixtures";

/** Where each model of a resilient deployment lives on the fake upstream. */
export const PRIMARY = `${UPSTREAM}/primary`;
export const FALLBACK = `${UPSTREAM}/fallback`;
export const ANTHROPIC_FALLBACK = `${UPSTREAM}/anthropic`;

export const body = { prompt_deployment_name: "resilient", inputs: [{ name: "question", type: "STRING", value: "Capital of France?" }] };

/**
 * A prompt deployment on the fake upstream, live in staging with its
 * credentials set: the primary model, then `fallbacks` in order.
 */
export async function resilientDeployment(fallbacks: Record<string, unknown>[] = []) {
  const ws = await createWorkspace();
  const spec = {
    input_variables: [{ key: "question", type: "STRING" }],
    model: { provider: "openai", name: "gpt-4o-mini", base_url: PRIMARY },
    ...(fallbacks.length ? { fallback_models: fallbacks } : {}),
    blocks: [{ role: "user", template: "{{ question }}" }],
  };
  const sandbox = await createSandbox(ws, "resilient", spec);
  for (const [name, value] of [
    ["OPENAI_API_KEY", "sk-test-primary"],
    ["ANTHROPIC_API_KEY", "ak-test-fallback"],
  ]) {
    await call(`/v1/environments/staging/secrets/${name}`, { method: "PUT", key: ws.adminKey, body: { value } });
  }
  const deployed = await call(`/v1/sandboxes/${sandbox.id}/deploy`, { key: ws.adminKey, body: { deployment_name: "resilient", environments: ["staging"] } });
  if (deployed.status !== 201) throw new Error(JSON.stringify(deployed.body));
  const key = (await ws.key({ environment: "staging", scopes: ["execute", "read"] })).key;
  return { ws, key };
}

/** The OpenAI-compatible fallback model used by most tests. */
export const openAiFallback = { provider: "openai", name: "gpt-4o", base_url: FALLBACK };
/** An Anthropic fallback model. */
export const anthropicFallback = { provider: "anthropic", name: "claude-3-5-haiku-latest", base_url: ANTHROPIC_FALLBACK };

/** The NDJSON events of a streamed execution. */
export function events(text: string) {
  return text
    .trim()
    .split("\n")
    .map((line) => JSON.parse(line));
}

/** The stored execution row (by id), once the queue consumer has written it. */
export async function recordedExecution(workspaceId: string, id: string) {
  for (let i = 0; i < 100; i++) {
    const row = await env.DB.prepare(
      "SELECT status, error_code, error_message, model_provider, model_name, attempts, fallback_index, edge_stale FROM executions WHERE workspace_id = ? AND id = ?",
    )
      .bind(workspaceId, id)
      .first<{
        status: string;
        error_code: string | null;
        error_message: string | null;
        model_provider: string | null;
        model_name: string | null;
        attempts: number | null;
        fallback_index: number | null;
        edge_stale: number;
      }>();
    if (row) return row;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`execution ${id} was never recorded`);
}

/** A response whose body the upstream writes through `write`, then leaves open (or ends as `write` says). */
export function bodyOf(write: (controller: ReadableStreamDefaultController<Uint8Array>, encode: (text: string) => Uint8Array) => void, contentType = "application/json") {
  const encoder = new TextEncoder();
  return new Response(new ReadableStream<Uint8Array>({ start: (controller) => write(controller, (text) => encoder.encode(text)) }), {
    headers: { "content-type": contentType },
  });
}

/** A body that never ends: `chunk` again and again, as fast as it is read; counts the bytes it handed out. */
export function flood(head: string, chunk: string, contentType = "application/json") {
  const encoder = new TextEncoder();
  const piece = encoder.encode(chunk);
  const sent = { bytes: 0 };
  let started = false;
  const response = new Response(
    new ReadableStream<Uint8Array>({
      pull(controller) {
        const next = started ? piece : encoder.encode(head);
        started = true;
        sent.bytes += next.byteLength;
        controller.enqueue(next);
      },
    }),
    { headers: { "content-type": contentType } },
  );
  return { response, sent };
}

export type { TestWorkspace };
