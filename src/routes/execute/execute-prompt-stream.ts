import { createRoute, z } from "@hono/zod-openapi";
import { unwrap } from "../../lib/result";
import { authenticateInvoke, requireAnyScope } from "../../access/authenticate-request";
import { type PromptOutcome, streamPrompt } from "../../runtime/run-prompt";
import { enqueueExecution } from "../../invoke/execution-record";
import { executionMeta, preparePrompt, promptExecutionRecord, releaseServed, runtimeContext } from "../../invoke/prepare-prompt";
import { EnvironmentQuery, jsonBody, keySecurity, problems } from "../../http/openapi";
import type { Router } from "../../http/router";
import { NDJSON_HEADERS, ndjsonStream } from "./ndjson";
import { finishExecution, invokeHeaders } from "./respond";
import { ExecutePromptBody } from "./schemas";

const route = createRoute({
  method: "post",
  path: "/v1/execute-prompt-stream",
  tags: ["Execute (Vellum-compatible)"],
  summary: "Execute a prompt deployment, streaming",
  description:
    "Newline-delimited JSON events, as Vellum's client reads them: INITIATED, STREAMING (one per text delta), then FULFILLED or REJECTED. A failure once streaming has begun is a REJECTED event.",
  security: keySecurity,
  middleware: [authenticateInvoke, requireAnyScope("execute")] as const,
  request: { query: EnvironmentQuery, body: jsonBody(ExecutePromptBody) },
  responses: {
    200: { description: "The event stream", content: { "application/x-ndjson": { schema: z.string() } } },
    ...problems(400, 401, 403, 404, 413, 415),
  },
});

export function registerExecutePromptStream(router: Router) {
  router.openapi(route, async (c) => {
    const request = c.req.valid("json");
    const prepared = unwrap(await preparePrompt(c.get("deps"), c.get("principal"), c.req.valid("query").environment, request, c.get("timing"), c.req.raw));
    const events = "outcome" in prepared.rendered ? null : streamPrompt(runtimeContext(c.get("deps")), prepared.spec, prepared.rendered.messages, prepared.env);
    // Wait for the first event before committing to a 200: a rate limit still becomes a 429.
    const first = events ? (await events.next()).value : { outcome: (prepared.rendered as { outcome: PromptOutcome }).outcome };
    const latency = () => c.get("deps").now().getTime() - prepared.startedAt;
    if (first && "outcome" in first) finishExecution(c, prepared, request, first.outcome, latency());
    invokeHeaders(c, prepared);

    const id = prepared.executionId;
    const body = ndjsonStream(async (send) => {
      send({ state: "INITIATED", execution_id: id, meta: executionMeta(prepared, null, latency()), release: releaseServed(prepared) });
      for (let item = first; item; item = events ? (await events.next()).value : undefined) {
        if ("delta" in item) {
          send({ state: "STREAMING", execution_id: id, output: { type: "STRING", value: item.delta }, output_index: 0 });
          continue;
        }
        const outcome = item.outcome;
        const meta = executionMeta(prepared, outcome, latency());
        if (outcome.status === "FULFILLED") send({ state: "FULFILLED", execution_id: id, outputs: [{ type: "STRING", value: outcome.text }], meta });
        else send({ state: "REJECTED", execution_id: id, error: outcome.error, meta });
        if (item !== first) enqueueExecution(c.get("deps"), c.executionCtx, promptExecutionRecord(c.get("principal"), prepared, request, outcome, latency()));
        break;
      }
    });
    // The route's typings know JSON and text bodies only; an NDJSON stream is neither.
    return c.body(body, 200, NDJSON_HEADERS) as never;
  });
}
