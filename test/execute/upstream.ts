import { env, exports } from "cloudflare:workers";
import { vi } from "vitest";
import { call, type TestWorkspace } from "../harness";
import { createSandbox } from "../lifecycle/fixtures";

export const UPSTREAM = "https://llm.test/v1";

type UpstreamHandler = (request: Request) => Response | Promise<Response>;

/** A request the fake provider received, read inside the request's own context. */
export interface SeenRequest {
  url: string;
  headers: Headers;
  body: string;
}

/**
 * Replaces the network beyond the Worker: requests to the test server go to
 * the Worker itself, requests to the fake model provider to `handler`.
 * Everything else fails loudly.
 */
export function mockNetwork(handler: UpstreamHandler = () => new Response("no upstream in this test", { status: 599 })) {
  const upstreamCalls: SeenRequest[] = [];
  vi.spyOn(globalThis, "fetch").mockImplementation(async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(input, init);
    if (request.url.startsWith("https://stagecraft.test")) return exports.default.fetch(request);
    if (request.url.startsWith(UPSTREAM)) {
      upstreamCalls.push({ url: request.url, headers: new Headers(request.headers), body: await request.clone().text() });
      return handler(request);
    }
    throw new Error(`unexpected network call to ${request.url}`);
  });
  return upstreamCalls;
}

export function completion(text: string, usage = { prompt_tokens: 11, completion_tokens: 7 }) {
  return Response.json({ id: "cmpl-1", choices: [{ index: 0, message: { role: "assistant", content: text }, finish_reason: "stop" }], usage });
}

/** An SSE body from the given data lines; `cut` ends it with an error after them. */
export function sse(events: unknown[], options: { cut?: boolean } = {}) {
  const encoder = new TextEncoder();
  const body = new ReadableStream({
    start(controller) {
      for (const e of events) controller.enqueue(encoder.encode(`data: ${typeof e === "string" ? e : JSON.stringify(e)}\n\n`));
      // The connection drops after what was sent has been delivered.
      if (options.cut) setTimeout(() => controller.error(new Error("connection reset")), 20);
      else controller.close();
    },
  });
  return new Response(body, { headers: { "content-type": "text/event-stream" } });
}

/** A response that never comes: it fails only when the caller gives up. */
export function hang(request: Request): Promise<Response> {
  return new Promise((_, reject) => request.signal.addEventListener("abort", () => reject(new DOMException("aborted", "AbortError"))));
}

/** A prompt deployment on the fake OpenAI-compatible upstream, live in staging, with its API key set. */
export async function upstreamDeployment(ws: TestWorkspace, name = "upstream-faq") {
  const spec = {
    input_variables: [{ key: "question", type: "STRING" }],
    model: { provider: "openai", name: "gpt-4o-mini", base_url: UPSTREAM, parameters: { temperature: 0.2 } },
    blocks: [
      { role: "system", template: "Be brief. Region: {{ env.region }}" },
      { role: "user", template: "{{ question }}" },
    ],
  };
  const sandbox = await createSandbox(ws, name, spec);
  await call("/v1/environments/staging", { method: "PATCH", key: ws.adminKey, body: { variables: { region: "eu" } } });
  await call("/v1/environments/staging/secrets/OPENAI_API_KEY", { method: "PUT", key: ws.adminKey, body: { value: "sk-test-upstream-secret" } });
  const deployed = await call(`/v1/sandboxes/${sandbox.id}/deploy`, { key: ws.adminKey, body: { deployment_name: name, environments: ["staging"] } });
  if (deployed.status !== 201) throw new Error(JSON.stringify(deployed.body));
  return deployed.body.releases[0] as { id: string };
}

/** Waits until the queue consumer has written `count` executions for the workspace. */
export async function executionsRecorded(workspaceId: string, count: number, where = "1 = 1") {
  let rows: { id: string; status: string; error_code: string | null }[] = [];
  for (let i = 0; i < 100; i++) {
    rows = (await env.DB.prepare(`SELECT id, status, error_code FROM executions WHERE workspace_id = ? AND ${where}`).bind(workspaceId).all<(typeof rows)[number]>()).results;
    if (rows.length >= count) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return rows;
}
