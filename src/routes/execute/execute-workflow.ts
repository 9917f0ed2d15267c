import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { AppEnv } from "../../context";
import { unwrap } from "../../lib/result";
import { authenticate, requireAnyScope } from "../../access/authenticate-request";
import { enqueueExecution } from "../../invoke/execution-record";
import { runWorkflow, type WorkflowOutcome } from "../../runtime/workflow/run-workflow";
import {
  type ExecuteWorkflowRequest,
  nodeTimings,
  type PreparedWorkflow,
  prepareWorkflow,
  workflowContext,
  workflowError,
  workflowExecutionRecord,
  workflowOutputs,
} from "../../invoke/prepare-workflow";
import { releaseServed } from "../../invoke/prepare-prompt";
import { EnvironmentQuery, jsonBody, jsonResponse, keySecurity, problems } from "../../http/openapi";
import type { Router } from "../../http/router";
import { NDJSON_HEADERS, ndjsonStream } from "./ndjson";
import { ExecuteWorkflowBody, ExecuteWorkflowResponse } from "./workflow-schemas";

const common = { tags: ["Execute (Vellum-compatible)"], security: keySecurity, middleware: [authenticate, requireAnyScope("execute")] };

const route = createRoute({
  ...common,
  method: "post",
  path: "/v1/execute-workflow",
  summary: "Execute a workflow deployment",
  description: "Runs the release a tag names (default LATEST) in the key's environment. A failing node makes the result REJECTED, naming the node. `nodes` gives every node's status and timing.",
  request: { query: EnvironmentQuery, body: jsonBody(ExecuteWorkflowBody) },
  responses: { 200: jsonResponse(ExecuteWorkflowResponse, "FULFILLED or REJECTED"), ...problems(400, 401, 403, 404, 413, 415) },
});

const streamRoute = createRoute({
  ...common,
  method: "post",
  path: "/v1/execute-workflow-stream",
  summary: "Execute a workflow deployment, streaming",
  description: "Newline-delimited JSON events as Vellum's client reads them: WORKFLOW INITIATED, NODE events when `event_types` has NODE, then WORKFLOW FULFILLED or REJECTED.",
  request: { query: EnvironmentQuery, body: jsonBody(ExecuteWorkflowBody) },
  responses: { 200: { description: "The event stream", content: { "application/x-ndjson": { schema: z.string() } } }, ...problems(400, 401, 403, 404, 413, 415) },
});

function resultEvent(prepared: PreparedWorkflow, outcome: WorkflowOutcome, ts: string) {
  const id = `${prepared.executionId}:result`;
  return outcome.status === "FULFILLED"
    ? { id, state: "FULFILLED" as const, ts, outputs: workflowOutputs(outcome) }
    : { id, state: "REJECTED" as const, ts, error: workflowError(outcome) };
}

function finish(c: Context<AppEnv>, prepared: PreparedWorkflow, request: ExecuteWorkflowRequest, outcome: WorkflowOutcome) {
  const latency = c.get("deps").now().getTime() - prepared.startedAt;
  enqueueExecution(c.get("deps"), c.executionCtx, workflowExecutionRecord(c.get("principal"), prepared, request, outcome, latency));
}

export function registerExecuteWorkflow(router: Router) {
  router.openapi(route, async (c) => {
    const request = c.req.valid("json");
    const prepared = unwrap(await prepareWorkflow(c.get("deps"), c.get("principal"), c.req.valid("query").environment, request));
    const outcome = await runWorkflow(prepared.spec, prepared.values, workflowContext(c.get("deps"), c.get("principal").workspaceId, prepared.env));
    finish(c, prepared, request, outcome);
    c.header("X-Release-Id", prepared.release.id);
    return c.json(
      {
        execution_id: prepared.executionId,
        external_id: request.external_id ?? null,
        data: resultEvent(prepared, outcome, c.get("deps").now().toISOString()),
        release: releaseServed(prepared),
        nodes: nodeTimings(outcome.nodes),
      },
      200,
    );
  });

  router.openapi(streamRoute, async (c) => {
    const request = c.req.valid("json");
    const prepared = unwrap(await prepareWorkflow(c.get("deps"), c.get("principal"), c.req.valid("query").environment, request));
    const withNodes = request.event_types?.includes("NODE") ?? false;
    const now = () => c.get("deps").now().toISOString();
    const envelope = (type: "WORKFLOW" | "NODE", data: unknown) => ({ execution_id: prepared.executionId, external_id: request.external_id ?? null, type, data });
    const body = ndjsonStream(async (send) => {
      send(envelope("WORKFLOW", { id: `${prepared.executionId}:initiated`, state: "INITIATED", ts: now() }));
      const ctx = workflowContext(c.get("deps"), c.get("principal").workspaceId, prepared.env);
      if (withNodes) {
        ctx.onNode = (node) => {
          const base = { id: `${prepared.executionId}:${node.id}:${node.status}`, node_id: node.id, node_result_id: `${prepared.executionId}:${node.id}`, state: node.status, ts: now() };
          if (node.status === "INITIATED") send(envelope("NODE", base));
          else if (node.status === "FULFILLED") send(envelope("NODE", { ...base, output_values: [{ type: "JSON", node_output_id: `${node.id}.output`, value: node.output }] }));
          else if (node.status === "REJECTED") send(envelope("NODE", { ...base, error: { message: node.error ?? "failed", code: "NODE_EXECUTION" } }));
        };
      }
      const outcome = await runWorkflow(prepared.spec, prepared.values, ctx);
      send(envelope("WORKFLOW", resultEvent(prepared, outcome, now())));
      finish(c, prepared, request, outcome);
    });
    c.header("X-Release-Id", prepared.release.id);
    // The route's typings know JSON and text bodies only; an NDJSON stream is neither.
    return c.body(body, 200, NDJSON_HEADERS) as never;
  });
}
