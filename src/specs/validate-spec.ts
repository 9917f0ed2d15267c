import canonicalize from "canonicalize";
import type { z } from "zod";
import { type EgressPolicy, STRICT_EGRESS } from "../egress/outbound-url";
import { sha256Hex } from "../lib/crypto";
import { fieldIssues, formatPath } from "../lib/field-path";
import type { FieldIssue } from "../lib/problem";
import { fail, ok, type Result } from "../lib/result";
import { type InputVariable, type MessageBlock, PromptSpec } from "./prompt-spec";
import { specEgressIssues } from "./spec-egress";
import { analyzeTemplate, type VariablePath } from "./template-references";
import { type WorkflowNode, WorkflowSpec } from "./workflow-spec";

export const specKinds = ["prompt", "workflow"] as const;
export type SpecKind = (typeof specKinds)[number];
export type Spec = { kind: "prompt"; spec: PromptSpec } | { kind: "workflow"; spec: WorkflowSpec };

type Path = (string | number)[];

const DEFAULT_CHECKS: Record<InputVariable["type"], (v: unknown) => boolean> = {
  STRING: (v) => typeof v === "string",
  NUMBER: (v) => typeof v === "number" && Number.isFinite(v),
  JSON: () => true,
  CHAT_HISTORY: (v) => Array.isArray(v) && v.every((m) => typeof m === "object" && m !== null && typeof (m as { text?: unknown }).text === "string"),
};

class SpecProblems {
  readonly issues: FieldIssue[] = [];
  constructor(private readonly root: string) {}

  add(path: Path, message: string) {
    this.issues.push({ path: formatPath(this.root, path), message });
  }

  /** Checks a template's syntax and that every variable it reads is one `allowed` accepts. */
  template(path: Path, source: string, allowed: (ref: VariablePath) => string | null) {
    const analysis = analyzeTemplate(source);
    if (!analysis.ok) return this.add(path, `Template syntax error: ${analysis.error}`);
    const reported = new Set<string>();
    for (const ref of analysis.references) {
      const problem = allowed(ref);
      if (problem && !reported.has(problem)) {
        reported.add(problem);
        this.add(path, problem);
      }
    }
  }

  inputVariables(vars: InputVariable[]) {
    const seen = new Set<string>();
    vars.forEach((v, i) => {
      if (seen.has(v.key)) this.add(["input_variables", i, "key"], `Duplicate input variable "${v.key}"`);
      seen.add(v.key);
      if (v.default !== undefined && !DEFAULT_CHECKS[v.type](v.default)) this.add(["input_variables", i, "default"], `The default is not a valid ${v.type}`);
    });
  }
}

function promptVariableCheck(vars: InputVariable[]) {
  const keys = new Set(vars.map((v) => v.key));
  return (ref: VariablePath) => (ref[0] === "env" || keys.has(ref[0]!) ? null : `Unknown variable "${ref[0]}": declare it in input_variables (environment variables are env.NAME)`);
}

function checkBlocks(problems: SpecProblems, base: Path, blocks: MessageBlock[], vars: InputVariable[], allowed: (ref: VariablePath) => string | null) {
  blocks.forEach((block, i) => {
    if ("template" in block) problems.template([...base, "blocks", i, "template"], block.template, allowed);
    else if (!vars.some((v) => v.key === block.chat_history && v.type === "CHAT_HISTORY")) {
      problems.add([...base, "blocks", i, "chat_history"], `"${block.chat_history}" is not a CHAT_HISTORY input variable`);
    }
  });
}

function checkPrompt(spec: PromptSpec, problems: SpecProblems) {
  problems.inputVariables(spec.input_variables);
  checkBlocks(problems, [], spec.blocks, spec.input_variables, promptVariableCheck(spec.input_variables));
}

/** The nodes from which `id` can be reached along edges. */
function ancestorsOf(id: string, parents: Map<string, string[]>): Set<string> {
  const seen = new Set<string>();
  const stack = [...(parents.get(id) ?? [])];
  while (stack.length) {
    const next = stack.pop()!;
    if (!seen.has(next)) {
      seen.add(next);
      stack.push(...(parents.get(next) ?? []));
    }
  }
  return seen;
}

/**
 * The nodes on a cycle: what is left after repeatedly removing nodes with no
 * incoming edge, then nodes with no outgoing edge, among those left.
 */
function nodesInCycles(ids: string[], edges: { from: string; to: string }[]): string[] {
  const left = new Set(ids);
  const peel = (end: "from" | "to", other: "from" | "to") => {
    for (let changed = true; changed; ) {
      changed = false;
      for (const id of left) {
        if (!edges.some((e) => e[end] === id && left.has(e[other]))) {
          left.delete(id);
          changed = true;
        }
      }
    }
  };
  peel("to", "from");
  peel("from", "to");
  return [...left];
}

function nodeTemplates(node: WorkflowNode): { path: Path; source: string; secrets?: boolean }[] {
  switch (node.type) {
    case "template":
      return [{ path: ["template"], source: node.template }];
    case "output":
      return [{ path: ["value"], source: node.value }];
    case "search":
      return [{ path: ["query"], source: node.query }];
    case "conditional":
      return node.cases.map((c, i) => ({ path: ["cases", i, "when"], source: `{{ ${c.when} }}` }));
    case "api":
      return [
        { path: ["url"], source: node.url },
        ...Object.entries(node.headers ?? {}).map(([name, source]) => ({ path: ["headers", name], source, secrets: true })),
        ...jsonStrings(node.body, ["body"]),
      ];
    case "prompt":
      return [
        ...(node.prompt?.blocks ?? []).flatMap((b, i) => ("template" in b ? [{ path: ["prompt", "blocks", i, "template"], source: b.template }] : [])),
        ...Object.entries(node.inputs ?? {}).map(([name, source]) => ({ path: ["inputs", name], source })),
      ];
  }
}

function jsonStrings(value: unknown, path: Path): { path: Path; source: string }[] {
  if (typeof value === "string") return [{ path, source: value }];
  if (Array.isArray(value)) return value.flatMap((v, i) => jsonStrings(v, [...path, i]));
  if (value && typeof value === "object") return Object.entries(value).flatMap(([k, v]) => jsonStrings(v, [...path, k]));
  return [];
}

function checkWorkflow(spec: WorkflowSpec, problems: SpecProblems) {
  problems.inputVariables(spec.input_variables);
  const inputKeys = new Set(spec.input_variables.map((v) => v.key));
  const ids = new Set<string>();
  spec.nodes.forEach((node, i) => {
    if (ids.has(node.id)) problems.add(["nodes", i, "id"], `Duplicate node id "${node.id}"`);
    ids.add(node.id);
  });
  const edges = spec.edges.filter((e, i) => {
    let known = true;
    for (const end of ["from", "to"] as const) {
      if (!ids.has(e[end])) {
        problems.add(["edges", i, end], `Edge refers to unknown node "${e[end]}"`);
        known = false;
      }
    }
    if (e.from === e.to) problems.add(["edges", i], `Node "${e.from}" cannot lead to itself`);
    return known;
  });
  const cyclic = nodesInCycles([...ids], edges);
  if (cyclic.length) problems.add(["edges"], `The graph has a cycle through ${cyclic.map((id) => `"${id}"`).join(", ")}`);

  const parents = new Map<string, string[]>();
  const children = new Map<string, string[]>();
  for (const e of edges) {
    parents.set(e.to, [...(parents.get(e.to) ?? []), e.from]);
    children.set(e.from, [...(children.get(e.from) ?? []), e.to]);
  }
  const outputs = spec.nodes.filter((n) => n.type === "output");
  if (outputs.length === 0) problems.add(["nodes"], "A workflow needs at least one output node");
  const outputNames = new Set<string>();
  spec.nodes.forEach((node, i) => {
    if (node.type === "output") {
      if (outputNames.has(node.name)) problems.add(["nodes", i, "name"], `Duplicate output name "${node.name}"`);
      outputNames.add(node.name);
      if (children.has(node.id)) problems.add(["nodes", i], `Output node "${node.id}" cannot lead to other nodes`);
    }
  });

  // A node from which no output can be reached does nothing: refuse it as unreachable.
  const feedsAnOutput = new Set<string>();
  for (const output of outputs) for (const id of [output.id, ...ancestorsOf(output.id, parents)]) feedsAnOutput.add(id);

  spec.nodes.forEach((node, i) => {
    const at: Path = ["nodes", i];
    if (!cyclic.length && !feedsAnOutput.has(node.id)) problems.add(at, `Node "${node.id}" is unreachable: no output depends on it`);
    if (node.type === "prompt" && (node.prompt === undefined) === (node.deployment === undefined)) {
      problems.add(at, `Prompt node "${node.id}" needs exactly one of "prompt" or "deployment"`);
    }
    if (node.type === "conditional") {
      const next = new Set(children.get(node.id) ?? []);
      [...node.cases.map((c, k) => ({ target: c.then, path: [...at, "cases", k, "then"] })), ...(node.else ? [{ target: node.else, path: [...at, "else"] }] : [])].forEach(
        ({ target, path }) => {
          if (!next.has(target)) problems.add(path, `"${target}" must be a node that "${node.id}" leads to by an edge`);
        },
      );
    }
    const upstream = ancestorsOf(node.id, parents);
    for (const t of nodeTemplates(node)) {
      problems.template([...at, ...t.path], t.source, (ref) => {
        const [root, name] = ref;
        if (root === "env") return null;
        if (root === "secrets") return t.secrets ? null : "Secrets can only be read in api node headers";
        if (root === "inputs") return name === undefined || inputKeys.has(name) ? null : `Unknown input "${name}"`;
        if (root === "nodes") {
          if (name === undefined) return null;
          if (!ids.has(name)) return `Unknown node "${name}"`;
          return upstream.has(name) ? null : `Node "${name}" does not run before "${node.id}": add an edge path from it`;
        }
        return `Unknown variable "${root}": use inputs.NAME, nodes.ID, or env.NAME`;
      });
    }
  });
}

/**
 * Parses a spec of the given kind and checks what a schema cannot: template
 * syntax, that every variable a template reads exists, and for workflows
 * the graph (dangling edges, cycles, unreachable nodes, branch targets).
 *
 * Every outbound URL it configures (model base URLs, `api` node URLs whose
 * host is written out) must pass `egress`; the default refuses every
 * address that is not on the public internet, for callers that have no
 * configuration at hand (offline validation).
 *
 * Shape errors are VALIDATION_FAILED (400); a well-formed spec that cannot
 * work is SPEC_INVALID (422). Both name each offending field.
 */
export function validateSpec(kind: SpecKind, raw: unknown, root = "body.spec", egress: EgressPolicy = STRICT_EGRESS): Result<Spec> {
  const schema: z.ZodType = kind === "prompt" ? PromptSpec : WorkflowSpec;
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const errors = fieldIssues("spec", parsed.error.issues).map((e) => ({ ...e, path: root + e.path.slice("spec".length) }));
    return fail("VALIDATION_FAILED", `The ${kind} spec is not valid`, errors);
  }
  const problems = new SpecProblems(root);
  if (kind === "prompt") checkPrompt(parsed.data as PromptSpec, problems);
  else checkWorkflow(parsed.data as WorkflowSpec, problems);
  const spec = { kind, spec: parsed.data } as Spec;
  for (const issue of specEgressIssues(spec, egress)) problems.add(issue.path, issue.message);
  if (problems.issues.length) return fail("SPEC_INVALID", problems.issues.map((i) => `${i.path}: ${i.message}`).join("; "), problems.issues);
  return ok(spec);
}

/** The hash that says whether two releases hold the same content. */
export function contentHash(spec: Spec): Promise<string> {
  return sha256Hex(canonicalize(spec)!);
}
