import type { FieldIssue } from "../lib/problem";
import { fail, ok, type Result } from "../lib/result";
import type { InputVariable } from "../specs/prompt-spec";

/** An input as Vellum's API sends it. */
export interface TypedInput {
  name: string;
  type: string;
  value?: unknown;
}

/** A chat message as templates see it. */
export interface ChatTurn {
  role: "USER" | "ASSISTANT" | "SYSTEM" | "FUNCTION";
  text: string;
}

const ROLES = new Set(["USER", "ASSISTANT", "SYSTEM", "FUNCTION"]);

function chatHistory(value: unknown): ChatTurn[] | null {
  if (!Array.isArray(value)) return null;
  const turns: ChatTurn[] = [];
  for (const m of value) {
    if (typeof m !== "object" || m === null) return null;
    const message = m as { role?: unknown; text?: unknown; content?: { type?: unknown; value?: unknown } | null };
    const role = typeof message.role === "string" ? message.role.toUpperCase() : "";
    if (!ROLES.has(role)) return null;
    const text = typeof message.text === "string" ? message.text : message.content?.type === "STRING" && typeof message.content.value === "string" ? message.content.value : null;
    if (text === null) return null;
    turns.push({ role: role as ChatTurn["role"], text });
  }
  return turns;
}

/** Checks one input against its variable; returns the value templates see, or why it does not fit. */
function coerce(variable: InputVariable, input: TypedInput): { value: unknown } | { problem: string } {
  switch (variable.type) {
    case "STRING":
      return input.type === "STRING" && typeof input.value === "string" ? { value: input.value } : { problem: `"${variable.key}" must be a STRING input with a string value` };
    case "NUMBER":
      return (input.type === "NUMBER" || input.type === "JSON") && typeof input.value === "number" && Number.isFinite(input.value)
        ? { value: input.value }
        : { problem: `"${variable.key}" must be a number (a NUMBER or JSON input)` };
    case "JSON":
      return input.type === "JSON" ? { value: input.value ?? null } : { problem: `"${variable.key}" must be a JSON input` };
    case "CHAT_HISTORY": {
      const turns = input.type === "CHAT_HISTORY" ? chatHistory(input.value) : null;
      return turns ? { value: turns } : { problem: `"${variable.key}" must be a CHAT_HISTORY input: a list of {role, text} messages` };
    }
  }
}

/** Where the request gave the `part` of its `index`-th input, as problem `errors[].path` names it. */
export type InputPath = (index: number, input: TypedInput, part: "name" | "value") => string;

/**
 * Matches the request's inputs to the release's input variables: each known,
 * of the right type, given once; every required one present; defaults filled
 * in. A mismatch is a 400 naming the variable: by default as an item of a
 * Vellum-style list (`body.inputs[1].value`); `pathOf` names it otherwise.
 */
export function bindInputs(
  variables: InputVariable[],
  inputs: TypedInput[],
  root = "body.inputs",
  pathOf: InputPath = (i, _, part) => `${root}[${i}].${part}`,
): Result<Record<string, unknown>> {
  const issues: FieldIssue[] = [];
  const values: Record<string, unknown> = {};
  const given = new Set(inputs.map((input) => input.name));
  for (const [i, input] of inputs.entries()) {
    const variable = variables.find((v) => v.key === input.name);
    if (!variable) {
      issues.push({ path: pathOf(i, input, "name"), message: `Unknown input variable "${input.name}"` });
      continue;
    }
    if (input.name in values) {
      issues.push({ path: pathOf(i, input, "name"), message: `"${input.name}" is given more than once` });
      continue;
    }
    const bound = coerce(variable, input);
    if ("problem" in bound) {
      issues.push({ path: pathOf(i, input, "value"), message: bound.problem });
      continue;
    }
    values[input.name] = bound.value;
  }
  for (const variable of variables) {
    if (given.has(variable.key)) continue;
    if (variable.default !== undefined) values[variable.key] = variable.type === "CHAT_HISTORY" ? chatHistory(variable.default) : variable.default;
    else if (variable.required ?? true) issues.push({ path: root, message: `Missing required input "${variable.key}"` });
  }
  if (issues.length) return fail("VALIDATION_FAILED", issues.map((i) => i.message).join("; "), issues);
  return ok(values);
}

/** Plain values (a sandbox scenario's) as typed inputs, each of its variable's type. */
export function typedInputs(variables: InputVariable[], values: Record<string, unknown>): TypedInput[] {
  return Object.entries(values).map(([name, value]) => ({ name, type: variables.find((v) => v.key === name)?.type ?? "JSON", value }));
}

/**
 * Binds plain values given as an object (`{"max_words": 10}`): a value that
 * does not fit is named by its key (`body.inputs.max_words`). Values in
 * `values` but not in `given` came from elsewhere (a scenario) and are named
 * `fallbackPath`.
 */
export function bindValues(variables: InputVariable[], values: Record<string, unknown>, given: Record<string, unknown>, root: string, fallbackPath: string) {
  return bindInputs(variables, typedInputs(variables, values), root, (_, input) => (Object.hasOwn(given, input.name) ? `${root}.${input.name}` : fallbackPath));
}
