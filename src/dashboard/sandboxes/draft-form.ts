import type { Scenario } from "../../db/schema";
import { fieldIssues } from "../../lib/field-path";
import type { FieldIssue } from "../../lib/problem";
import { fail, ok, type Result } from "../../lib/result";
import { UpdateSandboxBody } from "../../routes/sandboxes/schemas";
import type { InputVariable, MessageBlock, PromptSpec } from "../../specs/prompt-spec";
import type { SandboxView } from "../../testing/sandboxes";
import { type FormFields, field } from "../pages";

/**
 * The editor form's contents as text, exactly as the user typed them: the
 * page renders a draft, and a posted form is read back into one, so a
 * refused save shows the user's input again, with the rows the domain's
 * error paths count (removed and unused rows dropped).
 */

/** More rows than a spec may hold (100 variables, 100 blocks, 200 scenarios): reading stops there. */
const MAX_ROWS = 201;

export interface VariableRow {
  key: string;
  type: string;
  required: boolean;
  /** Whether the stored variable says `required` itself (else it follows from the default), so an untouched row saves unchanged. */
  requiredGiven: boolean;
  default: string;
  description: string;
}

/** A message block; role "chat_history" holds the CHAT_HISTORY variable's key in `template`. */
export interface BlockRow {
  role: string;
  template: string;
}

export interface ScenarioRow {
  name: string;
  inputs: string;
  expected: string;
}

interface DraftBase {
  name: string;
  /** The revision the form was loaded at: a save names it, so a concurrent save is refused. */
  revision: number;
  scenarios: ScenarioRow[];
}

export interface PromptDraft extends DraftBase {
  kind: "prompt";
  provider: string;
  modelName: string;
  baseUrl: string;
  parameters: string;
  /** The spec's `fallback_models` as JSON text; empty for none. */
  fallbackModels: string;
  variables: VariableRow[];
  blocks: BlockRow[];
}

export interface WorkflowDraft extends DraftBase {
  kind: "workflow";
  spec: string;
}

export type Draft = PromptDraft | WorkflowDraft;

/** What a save sends to `updateSandbox`. */
export interface DraftChanges {
  name: string;
  spec: unknown;
  scenarios: Scenario[];
}

const pretty = (value: unknown) => JSON.stringify(value, null, 2);
const valueText = (value: unknown) => (typeof value === "string" ? value : pretty(value));

function scenarioRows(scenarios: Scenario[]): ScenarioRow[] {
  return scenarios.map((s) => ({ name: s.name, inputs: pretty(s.inputs), expected: s.expected === undefined ? "" : valueText(s.expected) }));
}

function variableRow(v: InputVariable): VariableRow {
  return {
    key: v.key,
    type: v.type,
    required: v.required ?? v.default === undefined,
    requiredGiven: v.required !== undefined,
    default: v.default === undefined ? "" : v.type === "STRING" ? String(v.default) : JSON.stringify(v.default),
    description: v.description ?? "",
  };
}

function blockRow(block: MessageBlock): BlockRow {
  return "template" in block ? { role: block.role, template: block.template } : { role: "chat_history", template: block.chat_history };
}

/** The form's contents for a stored sandbox. */
export function draftOf(sandbox: SandboxView): Draft {
  const base = { name: sandbox.name, revision: sandbox.revision, scenarios: scenarioRows(sandbox.scenarios) };
  if (sandbox.kind === "workflow") return { ...base, kind: "workflow", spec: pretty(sandbox.spec) };
  const spec = sandbox.spec as PromptSpec;
  return {
    ...base,
    kind: "prompt",
    provider: spec.model.provider,
    modelName: spec.model.name,
    baseUrl: spec.model.base_url ?? "",
    parameters: pretty(spec.model.parameters ?? {}),
    fallbackModels: spec.fallback_models?.length ? pretty(spec.fallback_models) : "",
    variables: spec.input_variables.map(variableRow),
    blocks: spec.blocks.map(blockRow),
  };
}

/** The raw (untrimmed) text of a field: templates and JSON keep their whitespace. */
function text(form: FormFields, name: string): string {
  const value = form[name];
  return Array.isArray(value) ? (value[0] ?? "") : (value ?? "");
}

const checked = (form: FormFields, name: string) => field(form, name) !== "";

/** The indexes of a repeating group's rows that are present, not removed, and (for the empty row offered to add one) filled in. */
function keptRows(form: FormFields, prefix: string, marker: string, isEmpty: (i: number) => boolean): number[] {
  const rows: number[] = [];
  for (let i = 0; i < MAX_ROWS && `${prefix}-${i}-${marker}` in form; i++) {
    if (checked(form, `${prefix}-${i}-remove`)) continue;
    if (checked(form, `${prefix}-${i}-new`) && isEmpty(i)) continue;
    rows.push(i);
  }
  return rows;
}

function readScenarios(form: FormFields): ScenarioRow[] {
  const at = (i: number, part: string) => text(form, `scenario-${i}-${part}`);
  const unused = (i: number) => at(i, "name").trim() === "" && ["", "{}"].includes(at(i, "inputs").replace(/\s/g, "")) && at(i, "expected").trim() === "";
  return keptRows(form, "scenario", "name", unused).map((i) => ({
    name: at(i, "name").trim(),
    inputs: at(i, "inputs"),
    expected: at(i, "expected"),
  }));
}

/** A posted editor form read back into a draft of the sandbox's kind. */
export function readDraft(kind: Draft["kind"], form: FormFields): Draft {
  const revision = Number(field(form, "revision"));
  const base = { name: field(form, "name"), revision: Number.isInteger(revision) && revision > 0 ? revision : 0, scenarios: readScenarios(form) };
  if (kind === "workflow") return { ...base, kind, spec: text(form, "spec") };
  const variable = (i: number, part: string) => text(form, `var-${i}-${part}`);
  const block = (i: number, part: string) => text(form, `block-${i}-${part}`);
  return {
    ...base,
    kind,
    provider: field(form, "model-provider"),
    modelName: field(form, "model-name"),
    baseUrl: field(form, "model-base-url"),
    parameters: text(form, "model-parameters"),
    fallbackModels: text(form, "fallback-models"),
    variables: keptRows(form, "var", "key", (i) => variable(i, "key").trim() === "").map((i) => ({
      key: variable(i, "key").trim(),
      type: variable(i, "type"),
      required: checked(form, `var-${i}-required`),
      requiredGiven: checked(form, `var-${i}-required-given`),
      default: variable(i, "default"),
      description: variable(i, "description").trim(),
    })),
    blocks: keptRows(form, "block", "role", (i) => block(i, "template").trim() === "").map((i) => ({ role: block(i, "role"), template: block(i, "template") })),
  };
}

/** Parses JSON text, or records an issue at `path`. */
function parseJson(source: string, path: string, issues: FieldIssue[]): unknown {
  try {
    return JSON.parse(source);
  } catch {
    issues.push({ path, message: "Not valid JSON" });
    return undefined;
  }
}

function defaultValue(row: VariableRow, path: string, issues: FieldIssue[]): unknown {
  if (row.default === "") return undefined;
  if (row.type === "STRING") return row.default;
  if (row.type === "NUMBER") {
    const number = Number(row.default.trim());
    return row.default.trim() !== "" && Number.isFinite(number) ? number : row.default;
  }
  return parseJson(row.default, path, issues);
}

function variableOf(row: VariableRow, i: number, issues: FieldIssue[]) {
  const value = defaultValue(row, `body.spec.input_variables[${i}].default`, issues);
  const implied = value === undefined;
  return {
    key: row.key,
    type: row.type,
    ...(row.requiredGiven || row.required !== implied ? { required: row.required } : {}),
    ...(value === undefined ? {} : { default: value }),
    ...(row.description ? { description: row.description } : {}),
  };
}

function promptSpecOf(draft: PromptDraft, issues: FieldIssue[]) {
  const parameters = draft.parameters.trim() === "" ? {} : parseJson(draft.parameters, "body.spec.model.parameters", issues);
  const fallbacks = draft.fallbackModels.trim() === "" ? undefined : parseJson(draft.fallbackModels, "body.spec.fallback_models", issues);
  return {
    input_variables: draft.variables.map((row, i) => variableOf(row, i, issues)),
    model: { provider: draft.provider, name: draft.modelName, ...(draft.baseUrl ? { base_url: draft.baseUrl } : {}), parameters },
    ...(fallbacks === undefined ? {} : { fallback_models: fallbacks }),
    blocks: draft.blocks.map((b) => (b.role === "chat_history" ? { chat_history: b.template.trim() } : { role: b.role, template: b.template })),
  };
}

/**
 * The save a draft asks for, checked against the same body schema as
 * PATCH /v1/sandboxes/{id}: text that is no JSON, and fields of the wrong
 * shape, are VALIDATION_FAILED issues named by their API path. The spec's
 * own rules are left to the domain.
 */
export function draftChanges(draft: Draft): Result<DraftChanges> {
  const issues: FieldIssue[] = [];
  const spec = draft.kind === "prompt" ? promptSpecOf(draft, issues) : parseJson(draft.spec, "body.spec", issues);
  const scenarios = draft.scenarios.map((s, i) => ({
    name: s.name,
    inputs: s.inputs.trim() === "" ? {} : parseJson(s.inputs, `body.scenarios[${i}].inputs`, issues),
    ...(s.expected === "" ? {} : { expected: s.expected }),
  }));
  if (issues.length) return fail("VALIDATION_FAILED", "Some fields are not valid JSON", issues);
  const body = UpdateSandboxBody.safeParse({ name: draft.name, spec, scenarios });
  if (!body.success) {
    const errors = fieldIssues("json", body.error.issues);
    return fail("VALIDATION_FAILED", `Invalid ${errors.map((e) => e.path).join(", ")}`, errors);
  }
  return ok({ name: body.data.name ?? draft.name, spec: body.data.spec ?? spec, scenarios: (body.data.scenarios ?? []) as Scenario[] });
}

/** The id of the form field an API error path names, to link the error to it (null when no single field fits). */
export function fieldIdOf(kind: Draft["kind"], path: string): string | null {
  if (path === "body.name") return "name";
  if (kind === "workflow" && path.startsWith("body.spec")) return "spec";
  const scenario = /^body\.scenarios\[(\d+)\]\.(name|inputs|expected)/.exec(path);
  if (scenario) return `scenario-${scenario[1]}-${scenario[2]}`;
  const model = /^body\.spec\.model\.(provider|name|base_url|parameters)/.exec(path);
  if (model) return `model-${model[1] === "base_url" ? "base-url" : model[1]}`;
  if (path.startsWith("body.spec.fallback_models")) return "fallback-models";
  const variable = /^body\.spec\.input_variables\[(\d+)\](?:\.(key|type|required|default|description))?/.exec(path);
  if (variable) return `var-${variable[1]}-${variable[2] ?? "key"}`;
  const block = /^body\.spec\.blocks\[(\d+)\]\.(role)/.exec(path) ?? /^body\.spec\.blocks\[(\d+)\]/.exec(path);
  if (block) return `block-${block[1]}-${block[2] ?? "template"}`;
  if (path.startsWith("body.spec.blocks")) return "block-0-template";
  return null;
}
