import { EgressRefused } from "../../egress/guarded-fetch";
import { modelEgressRefusal } from "../../egress/model-egress";
import { checkOutboundUrl, type EgressPolicy } from "../../egress/outbound-url";
import { secretHostRefusal } from "../../egress/secret-hosts";
import { secretsReadBy } from "../../specs/spec-egress";
import type { WorkflowNode, WorkflowSpec } from "../../specs/workflow-spec";
import type { RuntimeEnvironment } from "../environment";
import { completeRendered, type RuntimeContext, render } from "../run-prompt";
import { holds, renderJson, renderTemplate } from "./templates";

/** What a node produced: templates read it as `nodes.<id>.<field>`. */
export type NodeOutput = Record<string, unknown>;

export interface NodeResult {
  id: string;
  type: WorkflowNode["type"];
  status: "FULFILLED" | "REJECTED" | "SKIPPED";
  output: NodeOutput | null;
  error: string | null;
  started_ms: number;
  duration_ms: number;
}

/** What nodes need from outside the graph: model calls, search, HTTP, secrets. */
export interface WorkflowContext {
  runtime: RuntimeContext;
  env: RuntimeEnvironment;
  /** What `api` nodes and inline prompts may call: checked on each rendered URL, since a template may decide the host. */
  egress: EgressPolicy;
  search(index: string, query: string, limit: number, metadataFilters: unknown): Promise<{ text: string; score: number; document: unknown }[]>;
  runDeployment(name: string, tag: string | undefined, inputs: Record<string, string>): Promise<{ text: string } | { error: string }>;
  secret(name: string): Promise<string | undefined>;
  onNode?(result: NodeResult | { id: string; status: "INITIATED" }): void;
}

export type WorkflowOutcome =
  | { status: "FULFILLED"; outputs: { name: string; node_id: string; value: string }[]; nodes: NodeResult[] }
  | { status: "REJECTED"; error: { node_id: string; message: string }; nodes: NodeResult[] };

class NodeFailure extends Error {
  constructor(
    readonly nodeId: string,
    message: string,
  ) {
    super(message);
  }
}

async function readCapped(response: Response, maxBytes: number): Promise<string> {
  const reader = response.body?.getReader();
  if (!reader) return "";
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      throw new Error(`the response is larger than ${maxBytes} bytes`);
    }
    chunks.push(value);
  }
  const all = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    all.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return new TextDecoder().decode(all);
}

async function runNode(node: WorkflowNode, context: Record<string, unknown>, ctx: WorkflowContext): Promise<NodeOutput> {
  switch (node.type) {
    case "template":
      return { text: renderTemplate(node.template, context) };
    case "output":
      return { value: renderTemplate(node.value, context) };
    case "conditional": {
      const taken = node.cases.find((c) => holds(c.when, context));
      return { branch: taken?.then ?? node.else ?? null };
    }
    case "search": {
      const results = await ctx.search(node.index, renderTemplate(node.query, context), node.limit, node.metadata_filters);
      return { results, text: results.map((r) => r.text).join("\n\n") };
    }
    case "api": {
      const url = renderTemplate(node.url, context);
      // Checked before any secret is opened: the spec may have been saved before the allowlist or a binding changed.
      const verdict = checkOutboundUrl(url, ctx.egress);
      if (!verdict.ok) throw new Error(`egress refused: ${verdict.reason}`);
      const bound = secretHostRefusal(
        Object.values(node.headers ?? {}).flatMap((template) => secretsReadBy(template)),
        verdict.url.hostname,
        ctx.env.secret_hosts,
      );
      if (bound) throw new Error(`egress refused: ${bound}`);
      const secrets = Object.fromEntries(await Promise.all(Object.keys(ctx.env.secrets).map(async (name) => [name, await ctx.secret(name)] as const)));
      const headers = Object.fromEntries(Object.entries(node.headers ?? {}).map(([k, v]) => [k, renderTemplate(v, { ...context, secrets })]));
      const body = node.body === undefined ? undefined : JSON.stringify(renderJson(node.body, context));
      let response: Response;
      try {
        response = await ctx.runtime.fetch(url, {
          method: node.method,
          headers: { ...(body ? { "content-type": "application/json" } : {}), ...headers },
          body,
          signal: AbortSignal.timeout(node.timeout_ms),
        });
      } catch (error) {
        if (error instanceof EgressRefused) throw new Error(`egress refused: ${error.message}`);
        throw new Error(error instanceof Error && error.name === "TimeoutError" ? `no answer within ${node.timeout_ms} ms` : "the request could not be sent");
      }
      const text = await readCapped(response, node.max_response_bytes);
      if (!response.ok) throw new Error(`the API answered HTTP ${response.status}`);
      let json: unknown = null;
      try {
        json = JSON.parse(text);
      } catch {
        // not JSON: templates read `text`
      }
      return { status: response.status, text, json };
    }
    case "prompt": {
      if (node.deployment) {
        const inputs = Object.fromEntries(Object.entries(node.inputs ?? {}).map(([k, v]) => [k, renderTemplate(v, context)]));
        const result = await ctx.runDeployment(node.deployment, node.release_tag, inputs);
        if ("error" in result) throw new Error(result.error);
        return { text: result.text };
      }
      const prompt = node.prompt!;
      const refused = modelEgressRefusal(prompt.model, ctx.egress, ctx.env.secret_hosts);
      if (refused) throw new Error(`egress refused for ${prompt.model.provider}/${prompt.model.name}: ${refused}`);
      const rendered = render({ blocks: prompt.blocks }, context, ctx.env);
      const outcome = await completeRendered(ctx.runtime, prompt, rendered, ctx.env);
      if (outcome.status === "REJECTED") throw new Error(`${outcome.error.code}: ${outcome.error.message}`);
      return { text: outcome.text, usage: outcome.usage, cost: outcome.cost };
    }
  }
}

/**
 * Runs a workflow graph. Each node starts once all its parents are done, so
 * independent branches run at the same time. A node runs only if some edge
 * into it is live: from a parent that ran, and, for a conditional parent,
 * the branch it chose. The others are skipped. A node that fails fails the
 * workflow, naming the node.
 */
export async function runWorkflow(spec: WorkflowSpec, inputs: Record<string, unknown>, ctx: WorkflowContext): Promise<WorkflowOutcome> {
  const parents = new Map<string, string[]>(spec.nodes.map((n) => [n.id, []]));
  for (const e of spec.edges) parents.get(e.to)!.push(e.from);
  const byId = new Map(spec.nodes.map((n) => [n.id, n]));
  const results = new Map<string, NodeResult>();
  const pending = new Map<string, Promise<NodeResult>>();
  const outputs: Record<string, NodeOutput> = {};
  const started = performance.now();

  const settle = (id: string): Promise<NodeResult> => {
    let promise = pending.get(id);
    if (!promise) {
      promise = (async () => {
        const node = byId.get(id)!;
        const before = await Promise.all(parents.get(id)!.map(settle));
        const live = before.length === 0 || before.some((p) => p.status === "FULFILLED" && (p.type !== "conditional" || (p.output as { branch: string | null }).branch === id));
        const startedMs = performance.now() - started;
        if (!live) {
          const skipped: NodeResult = { id, type: node.type, status: "SKIPPED", output: null, error: null, started_ms: startedMs, duration_ms: 0 };
          results.set(id, skipped);
          return skipped;
        }
        ctx.onNode?.({ id, status: "INITIATED" });
        const context = { inputs, nodes: outputs, env: ctx.env.variables };
        try {
          const output = await runNode(node, context, ctx);
          outputs[id] = output;
          const done: NodeResult = { id, type: node.type, status: "FULFILLED", output, error: null, started_ms: startedMs, duration_ms: performance.now() - started - startedMs };
          results.set(id, done);
          ctx.onNode?.(done);
          return done;
        } catch (error) {
          const message = error instanceof Error ? error.message : String(error);
          const failed: NodeResult = {
            id,
            type: node.type,
            status: "REJECTED",
            output: null,
            error: message,
            started_ms: startedMs,
            duration_ms: performance.now() - started - startedMs,
          };
          results.set(id, failed);
          ctx.onNode?.(failed);
          throw new NodeFailure(id, message);
        }
      })();
      pending.set(id, promise);
    }
    return promise;
  };

  const settled = await Promise.allSettled(spec.nodes.map((n) => settle(n.id)));
  const rejected = settled.find((s): s is PromiseRejectedResult => s.status === "rejected");
  if (rejected) {
    const failure = rejected.reason instanceof NodeFailure ? rejected.reason : new NodeFailure("unknown", String(rejected.reason));
    // Nodes downstream of the failure never ran.
    const nodes = spec.nodes.map((n) => results.get(n.id) ?? { id: n.id, type: n.type, status: "SKIPPED" as const, output: null, error: null, started_ms: 0, duration_ms: 0 });
    return { status: "REJECTED", error: { node_id: failure.nodeId, message: failure.message }, nodes };
  }
  return {
    status: "FULFILLED",
    outputs: spec.nodes.flatMap((n) =>
      n.type === "output" && results.get(n.id)?.status === "FULFILLED" ? [{ name: n.name, node_id: n.id, value: String(outputs[n.id]!.value) }] : [],
    ),
    nodes: spec.nodes.map((n) => results.get(n.id)!),
  };
}
