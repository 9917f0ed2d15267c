import { createTwoFilesPatch } from "diff";
import type { PromptSpec } from "../specs/prompt-spec";
import type { Spec } from "../specs/validate-spec";
import type { WorkflowSpec } from "../specs/workflow-spec";

export type Change<T> = { change: "added"; to: T } | { change: "removed"; from: T } | { change: "changed"; from: T; to: T };

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** Keyed comparison: what was added, removed or changed, by key. */
function diffByKey<T>(from: Map<string, T>, to: Map<string, T>): (Change<T> & { key: string })[] {
  const keys = [...new Set([...from.keys(), ...to.keys()])];
  return keys.flatMap((key): (Change<T> & { key: string })[] => {
    const a = from.get(key);
    const b = to.get(key);
    if (a === undefined) return [{ key, change: "added", to: b! }];
    if (b === undefined) return [{ key, change: "removed", from: a }];
    return same(a, b) ? [] : [{ key, change: "changed", from: a, to: b }];
  });
}

const byPosition = <T>(items: T[]) => new Map(items.map((item, i) => [String(i), item]));

function blocksText(spec: PromptSpec["blocks"]): string {
  return spec.map((b, i) => ("template" in b ? `## block ${i} (${b.role})\n${b.template}\n` : `## block ${i} (chat history: ${b.chat_history})\n`)).join("\n");
}

function comparePrompts(a: PromptSpec, b: PromptSpec) {
  const modelFields = ["provider", "name", "base_url"] as const;
  return {
    model: modelFields.flatMap((field) => (same(a.model[field], b.model[field]) ? [] : [{ field, from: a.model[field] ?? null, to: b.model[field] ?? null }])),
    parameters: diffByKey(new Map(Object.entries(a.model.parameters ?? {})), new Map(Object.entries(b.model.parameters ?? {}))),
    fallback_models: diffByKey(byPosition(a.fallback_models ?? []), byPosition(b.fallback_models ?? [])).map(({ key, ...change }) => ({ index: Number(key), ...change })),
    input_variables: diffByKey(new Map(a.input_variables.map((v) => [v.key, v])), new Map(b.input_variables.map((v) => [v.key, v]))),
    blocks: diffByKey(byPosition(a.blocks), byPosition(b.blocks)).map(({ key, ...change }) => ({ index: Number(key), ...change })),
  };
}

function compareWorkflows(a: WorkflowSpec, b: WorkflowSpec) {
  const edgeKey = (e: { from: string; to: string }) => `${e.from} -> ${e.to}`;
  const edgesA = new Set(a.edges.map(edgeKey));
  const edgesB = new Set(b.edges.map(edgeKey));
  return {
    input_variables: diffByKey(new Map(a.input_variables.map((v) => [v.key, v])), new Map(b.input_variables.map((v) => [v.key, v]))),
    nodes: diffByKey(new Map(a.nodes.map((n) => [n.id, n])), new Map(b.nodes.map((n) => [n.id, n]))),
    edges: { added: [...edgesB].filter((e) => !edgesA.has(e)), removed: [...edgesA].filter((e) => !edgesB.has(e)) },
  };
}

function specText(spec: Spec): string {
  if (spec.kind === "prompt") return blocksText(spec.spec.blocks);
  return spec.spec.nodes.map((n) => `## node ${n.id} (${n.type})\n${JSON.stringify(n, null, 2)}\n`).join("\n");
}

/**
 * What changed between two specs: structured, field by field, plus a
 * unified diff of the templates (of the nodes, for workflows).
 */
export function compareSpecs(a: Spec, b: Spec, labels: { from: string; to: string }) {
  const changes =
    a.kind === "prompt" && b.kind === "prompt"
      ? comparePrompts(a.spec, b.spec)
      : a.kind === "workflow" && b.kind === "workflow"
        ? compareWorkflows(a.spec, b.spec)
        : { kind: { from: a.kind, to: b.kind } };
  return {
    changes,
    diff: createTwoFilesPatch(labels.from, labels.to, specText(a), specText(b), undefined, undefined, { context: 3 }),
  };
}
