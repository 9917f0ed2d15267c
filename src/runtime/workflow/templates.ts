import { Template } from "@huggingface/jinja";
import { BoundedMap } from "../../lib/bounded-map";

/** Parsed templates by source text, bounded: workflow releases are immutable, so the same texts recur. */
const parsed = new BoundedMap<string, Template>(2_000);

export function renderTemplate(source: string, context: Record<string, unknown>): string {
  let template = parsed.get(source);
  if (!template) {
    template = new Template(source);
    parsed.set(source, template);
  }
  return template.render(context);
}

/** Whether a Jinja expression (a conditional's `when`) holds in the context. */
export function holds(expression: string, context: Record<string, unknown>): boolean {
  return renderTemplate(`{% if ${expression} %}1{% endif %}`, context) === "1";
}

/** Renders every string inside a JSON value as a template. */
export function renderJson(value: unknown, context: Record<string, unknown>): unknown {
  if (typeof value === "string") return renderTemplate(value, context);
  if (Array.isArray(value)) return value.map((v) => renderJson(v, context));
  if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, renderJson(v, context)]));
  return value;
}
