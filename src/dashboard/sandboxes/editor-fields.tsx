import type { Child } from "hono/jsx";
import { inputTypes, providers } from "../../specs/prompt-spec";
import type { BlockRow, Draft, PromptDraft, ScenarioRow, VariableRow } from "./draft-form";

/** Error messages by the id of the field they concern. */
export type FieldErrors = Map<string, string[]>;

const ROLES = [
  { value: "system", label: "System" },
  { value: "user", label: "User" },
  { value: "assistant", label: "Assistant" },
  { value: "chat_history", label: "Chat history" },
] as const;

/** The ids of a field's hint and error messages, for aria-describedby. */
function describedBy(id: string, errors: FieldErrors, hint: boolean): string | undefined {
  const ids = [hint ? `${id}-hint` : null, errors.has(id) ? `${id}-error` : null].filter((x) => x !== null);
  return ids.length ? ids.join(" ") : undefined;
}

/** A labelled field with its hint and its errors; `control` gets the id, aria-describedby and aria-invalid. */
function Field(props: { id: string; label: string; hint?: string; errors: FieldErrors; class?: string; control: (attrs: Record<string, string | undefined>) => Child }) {
  const messages = props.errors.get(props.id);
  return (
    <div class={props.class ? `field ${props.class}` : "field"}>
      <label for={props.id}>{props.label}</label>
      {props.hint ? (
        <span class="hint" id={`${props.id}-hint`}>
          {props.hint}
        </span>
      ) : null}
      {props.control({ id: props.id, "aria-describedby": describedBy(props.id, props.errors, Boolean(props.hint)), "aria-invalid": messages ? "true" : undefined })}
      {messages ? (
        <span class="field-error" id={`${props.id}-error`}>
          {messages.join(" ")}
        </span>
      ) : null}
    </div>
  );
}

function TextField(props: { id: string; label: string; value: string; hint?: string; errors: FieldErrors; class?: string; required?: boolean }) {
  return (
    <Field
      id={props.id}
      label={props.label}
      hint={props.hint}
      errors={props.errors}
      class={props.class}
      control={(attrs) => <input type="text" name={props.id} value={props.value} autocomplete="off" required={props.required} {...attrs} />}
    />
  );
}

/** A textarea that editor.js turns into a code editor (`language`: json or jinja); without JavaScript it stays a textarea. */
function CodeField(props: { id: string; label: string; value: string; language: "json" | "jinja"; rows: number; hint?: string; errors: FieldErrors }) {
  return (
    <Field
      id={props.id}
      label={props.label}
      hint={props.hint}
      errors={props.errors}
      class="code"
      control={(attrs) => (
        <textarea name={props.id} rows={props.rows} spellcheck={false} data-editor={props.language} {...attrs}>
          {props.value}
        </textarea>
      )}
    />
  );
}

function SelectField(props: { id: string; label: string; value: string; options: readonly { value: string; label: string }[]; errors: FieldErrors }) {
  return (
    <Field
      id={props.id}
      label={props.label}
      errors={props.errors}
      control={(attrs) => (
        <select name={props.id} {...attrs}>
          {props.options.map((o) => (
            <option value={o.value} selected={o.value === props.value}>
              {o.label}
            </option>
          ))}
        </select>
      )}
    />
  );
}

/** The "Remove" checkbox of an existing row, or the marker of the empty row offered to add one. */
function RowEnd(props: { prefix: string; isNew: boolean; label: string }) {
  if (props.isNew) return <input type="hidden" name={`${props.prefix}-new`} value="1" />;
  return (
    <div class="field check">
      <input type="checkbox" id={`${props.prefix}-remove`} name={`${props.prefix}-remove`} value="1" />
      <label for={`${props.prefix}-remove`}>{`Remove ${props.label}`}</label>
    </div>
  );
}

function VariableFields(props: { row: VariableRow; index: number; isNew: boolean; errors: FieldErrors }) {
  const { row, index, errors } = props;
  const prefix = `var-${index}`;
  const title = props.isNew ? "New variable" : `Variable ${index + 1}`;
  return (
    <fieldset class="row">
      <legend>{title}</legend>
      <TextField id={`${prefix}-key`} label="Key" value={row.key} hint={props.isNew ? "Fill in to add one" : undefined} errors={errors} />
      <SelectField id={`${prefix}-type`} label="Type" value={row.type} options={inputTypes.map((t) => ({ value: t, label: t }))} errors={errors} />
      <div class="field check">
        <input type="checkbox" id={`${prefix}-required`} name={`${prefix}-required`} value="1" checked={row.required} />
        <label for={`${prefix}-required`}>Required</label>
      </div>
      {row.requiredGiven ? <input type="hidden" name={`${prefix}-required-given`} value="1" /> : null}
      <TextField id={`${prefix}-default`} label="Default" value={row.default} hint="Text, or JSON for other types" errors={errors} />
      <TextField id={`${prefix}-description`} label="Description" value={row.description} errors={errors} class="wide" />
      <RowEnd prefix={prefix} isNew={props.isNew} label={title.toLowerCase()} />
    </fieldset>
  );
}

function BlockFields(props: { row: BlockRow; index: number; isNew: boolean; errors: FieldErrors }) {
  const prefix = `block-${props.index}`;
  const title = props.isNew ? "New message" : `Message ${props.index + 1}`;
  return (
    <fieldset class="row block">
      <legend>{title}</legend>
      <SelectField id={`${prefix}-role`} label={`${title} role`} value={props.row.role} options={ROLES} errors={props.errors} />
      <CodeField
        id={`${prefix}-template`}
        label={`${title} template`}
        value={props.row.template}
        language="jinja"
        rows={props.isNew ? 3 : 5}
        hint={props.isNew ? "Write a template to add a message. For chat history: the CHAT_HISTORY variable's key." : undefined}
        errors={props.errors}
      />
      <RowEnd prefix={prefix} isNew={props.isNew} label={title.toLowerCase()} />
    </fieldset>
  );
}

function ScenarioFields(props: { row: ScenarioRow; index: number; isNew: boolean; errors: FieldErrors }) {
  const prefix = `scenario-${props.index}`;
  const title = props.isNew ? "New scenario" : `Scenario ${props.index + 1}`;
  return (
    <fieldset class="row">
      <legend>{title}</legend>
      <TextField id={`${prefix}-name`} label={`${title} name`} value={props.row.name} errors={props.errors} />
      <CodeField id={`${prefix}-inputs`} label={`${title} inputs (JSON)`} value={props.row.inputs} language="json" rows={4} errors={props.errors} />
      <TextField
        id={`${prefix}-expected`}
        label={`${title} expected output`}
        value={props.row.expected}
        hint="Optional: the run says whether the output matches"
        errors={props.errors}
        class="wide"
      />
      <RowEnd prefix={prefix} isNew={props.isNew} label={title.toLowerCase()} />
    </fieldset>
  );
}

const EMPTY_VARIABLE: VariableRow = { key: "", type: "STRING", required: false, requiredGiven: false, default: "", description: "" };
const EMPTY_BLOCK: BlockRow = { role: "user", template: "" };
const EMPTY_SCENARIO: ScenarioRow = { name: "", inputs: "{}", expected: "" };

function PromptFields(props: { draft: PromptDraft; errors: FieldErrors }) {
  const { draft, errors } = props;
  return (
    <>
      <fieldset>
        <legend>Model</legend>
        <div class="fields">
          <SelectField id="model-provider" label="Provider" value={draft.provider} options={providers.map((p) => ({ value: p, label: p }))} errors={errors} />
          <TextField id="model-name" label="Model name" value={draft.modelName} hint="echo answers offline with the last message" errors={errors} />
          <TextField id="model-base-url" label="Base URL" value={draft.baseUrl} hint="openai only; optional" errors={errors} class="wide" />
        </div>
        <CodeField
          id="model-parameters"
          label="Parameters (JSON)"
          value={draft.parameters}
          language="json"
          rows={4}
          hint='Passed to the provider, e.g. {"temperature": 0.2, "max_tokens": 512}'
          errors={errors}
        />
        <CodeField
          id="fallback-models"
          label="Fallback models (JSON, optional)"
          value={draft.fallbackModels}
          language="json"
          rows={3}
          hint='Tried in order when the model fails with a 5xx, a timeout or a 429, e.g. [{"provider": "anthropic", "name": "claude-sonnet-4-5"}]'
          errors={errors}
        />
      </fieldset>
      <fieldset>
        <legend>Input variables</legend>
        <p class="hint">Templates read them by key, e.g. {"{{ question }}"}. Tick Remove to drop one.</p>
        {[...draft.variables, EMPTY_VARIABLE].map((row, i) => (
          <VariableFields row={row} index={i} isNew={i === draft.variables.length} errors={errors} />
        ))}
      </fieldset>
      <fieldset>
        <legend>Messages</legend>
        <p class="hint">Sent to the model in this order. Templates are Jinja: {"{{ variable }}, {% if %}, {% for %}"}; env.NAME reads an environment variable.</p>
        {[...draft.blocks, EMPTY_BLOCK].map((row, i) => (
          <BlockFields row={row} index={i} isNew={i === draft.blocks.length} errors={errors} />
        ))}
      </fieldset>
    </>
  );
}

/** Scenarios: named inputs to run the draft with, and later a test suite's cases. */
function ScenarioList(props: { rows: ScenarioRow[]; errors: FieldErrors }) {
  return (
    <fieldset>
      <legend>Scenarios</legend>
      <p class="hint">Named inputs to run this draft with. Inputs are a JSON object by variable key.</p>
      {[...props.rows, EMPTY_SCENARIO].map((row, i) => (
        <ScenarioFields row={row} index={i} isNew={i === props.rows.length} errors={props.errors} />
      ))}
    </fieldset>
  );
}

/** The fields of the edit form for a draft of either kind. */
export function DraftFields(props: { draft: Draft; errors: FieldErrors }) {
  const { draft, errors } = props;
  return (
    <>
      <TextField id="name" label="Sandbox name" value={draft.name} errors={errors} required />
      {draft.kind === "prompt" ? (
        <PromptFields draft={draft} errors={errors} />
      ) : (
        <CodeField
          id="spec"
          label="Workflow spec (JSON)"
          value={draft.spec}
          language="json"
          rows={24}
          hint="input_variables, nodes (prompt, template, conditional, search, api, output) and edges; checked when you save."
          errors={errors}
        />
      )}
      <ScenarioList rows={draft.scenarios} errors={errors} />
    </>
  );
}
