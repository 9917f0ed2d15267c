import { html } from "hono/html";
import type { HtmlEscapedString } from "hono/utils/html";

type Html = HtmlEscapedString | Promise<HtmlEscapedString> | string;

/** The parts of a JSON Schema (as OpenAPI 3.1 holds it) that the page shows. */
export interface Schema {
  $ref?: string;
  type?: string | string[];
  description?: string;
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: boolean | Schema;
  items?: Schema;
  oneOf?: Schema[];
  anyOf?: Schema[];
  allOf?: Schema[];
  enum?: unknown[];
  const?: unknown;
  default?: unknown;
  format?: string;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
}

interface Parameter {
  name: string;
  in: string;
  required?: boolean;
  description?: string;
  schema?: Schema;
}

interface Operation {
  summary?: string;
  description?: string;
  tags?: string[];
  security?: Record<string, string[]>[];
  parameters?: Parameter[];
  requestBody?: { required?: boolean; content?: Record<string, { schema?: Schema }> };
  responses?: Record<string, { description?: string; content?: Record<string, { schema?: Schema }> }>;
}

interface SecurityScheme {
  type?: string;
  scheme?: string;
  in?: string;
  name?: string;
  description?: string;
}

/** How a client presents a credential of this scheme. */
function presentation(scheme: SecurityScheme | undefined): string {
  if (scheme?.type === "http" && scheme.scheme === "bearer") return "Authorization: Bearer …";
  if (scheme?.type === "apiKey" && scheme.in === "header") return `${scheme.name}: …`;
  return "";
}

export interface OpenApiDocument {
  info: { title: string; version: string; description?: string };
  paths?: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, Schema>; securitySchemes?: Record<string, SecurityScheme> };
}

const METHODS = ["get", "post", "put", "patch", "delete"] as const;

/** How deep inline objects nest on the page before they are left out; named schemas are links. */
const MAX_DEPTH = 4;

/** Renders `code` spans of a description; everything else is escaped text. */
function prose(text: string | undefined) {
  return (text ?? "").split("`").map((part, i) => (i % 2 === 1 ? html`<code>${part}</code>` : html`${part}`));
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? "" : "s"}`;
}

function refName(ref: string): string {
  return ref.slice(ref.lastIndexOf("/") + 1);
}

function schemaLink(ref: string) {
  const name = refName(ref);
  return html`<a href="#schema-${name}">${name}</a>`;
}

class Renderer {
  constructor(private readonly doc: OpenApiDocument) {}

  private resolve(schema: Schema): Schema {
    return schema.$ref ? (this.doc.components?.schemas?.[refName(schema.$ref)] ?? {}) : schema;
  }

  private alternatives(schema: Schema): Schema[] | undefined {
    return schema.oneOf ?? schema.anyOf;
  }

  /** A short name for a schema's type: named schemas are links. */
  typeLabel(schema: Schema | undefined): Html {
    if (!schema) return "any";
    if (schema.$ref) return schemaLink(schema.$ref);
    const alternatives = this.alternatives(schema);
    if (alternatives) return html`${alternatives.map((s, i) => html`${i ? " | " : ""}${this.typeLabel(s)}`)}`;
    if (schema.allOf) return html`${schema.allOf.map((s, i) => html`${i ? " & " : ""}${this.typeLabel(s)}`)}`;
    if (schema.enum) return html`${schema.enum.map((v, i) => html`${i ? " | " : ""}<code>${JSON.stringify(v)}</code>`)}`;
    if (schema.const !== undefined) return html`<code>${JSON.stringify(schema.const)}</code>`;
    const types = Array.isArray(schema.type) ? schema.type : schema.type ? [schema.type] : [];
    const nullable = types.includes("null");
    const base = types.filter((t) => t !== "null");
    let label: Html;
    if (base[0] === "array") label = html`array of ${this.typeLabel(schema.items)}`;
    else if (base[0] === "object" && !schema.properties && typeof schema.additionalProperties === "object" && Object.keys(schema.additionalProperties).length)
      label = html`map of ${this.typeLabel(schema.additionalProperties)}`;
    else label = base.length ? base.join(" or ") + (schema.format ? ` (${schema.format})` : "") : "any";
    return nullable ? html`${label} or null` : label;
  }

  private constraints(schema: Schema): string[] {
    const notes: string[] = [];
    if (schema.default !== undefined) notes.push(`default ${JSON.stringify(schema.default)}`);
    if (schema.minimum !== undefined) notes.push(`≥ ${schema.minimum}`);
    if (schema.exclusiveMinimum !== undefined) notes.push(`> ${schema.exclusiveMinimum}`);
    if (schema.maximum !== undefined) notes.push(`≤ ${schema.maximum}`);
    if (schema.minLength !== undefined) notes.push(`at least ${count(schema.minLength, "character")}`);
    if (schema.maxLength !== undefined) notes.push(`at most ${count(schema.maxLength, "character")}`);
    if (schema.minItems !== undefined) notes.push(`at least ${count(schema.minItems, "item")}`);
    if (schema.maxItems !== undefined) notes.push(`at most ${count(schema.maxItems, "item")}`);
    if (schema.pattern !== undefined) notes.push(`pattern ${schema.pattern}`);
    return notes;
  }

  /** The inline object (or inline alternatives) a field holds, directly or as array items, for the page to list in place. */
  private inlineShape(schema: Schema): Schema | undefined {
    const target = schema.items && !schema.properties ? schema.items : schema;
    if (target.$ref) return undefined;
    if (target.properties) return target;
    return this.alternatives(target)?.some((alt) => !alt.$ref && alt.properties) ? target : undefined;
  }

  /** A field list for an object; alternatives one after another; anything else, its type. */
  fields(input: Schema, depth = 0): Html {
    const schema = this.resolve(input);
    const alternatives = this.alternatives(schema);
    if (alternatives) {
      return html`<p>One of:</p><ul class="alternatives">${alternatives.map(
        (alt) => html`<li>${alt.$ref ? schemaLink(alt.$ref) : ""}${alt.$ref ? "" : this.fields(alt, depth + 1)}</li>`,
      )}</ul>`;
    }
    if (!schema.properties) {
      const element = schema.items && !schema.items.$ref && schema.items.properties ? schema.items : undefined;
      if (element && depth < MAX_DEPTH) return html`<p>An array of:</p>${this.fields(element, depth + 1)}`;
      return html`<p class="type">${this.typeLabel(schema)}</p>`;
    }
    const required = new Set(schema.required ?? []);
    return html`<table class="fields">
      <tr><th>field</th><th>type</th><th>description</th></tr>
      ${Object.entries(schema.properties).map(([name, property]) => {
        // A field that is a named schema and says nothing itself: the schema's own description.
        const resolvedDescription = property.description ?? (property.$ref ? this.resolve(property).description : undefined);
        const nested = this.inlineShape(property);
        const notes = this.constraints(property);
        return html`<tr>
          <td><code>${name}</code>${required.has(name) ? html` <span class="required">required</span>` : ""}</td>
          <td>${this.typeLabel(property)}</td>
          <td>${prose(resolvedDescription)}${notes.length ? html` <span class="notes">${notes.join("; ")}</span>` : ""}${
            nested && depth < MAX_DEPTH ? this.fields(nested, depth + 1) : ""
          }</td>
        </tr>`;
      })}
    </table>`;
  }

  private security(op: Operation) {
    const schemes = this.doc.components?.securitySchemes ?? {};
    const names = [...new Set((op.security ?? []).flatMap((requirement) => Object.keys(requirement)))];
    if (!names.length) return html`<p class="auth">No authentication.</p>`;
    return html`<p class="auth">Authentication: ${names.map((name, i) => {
      const how = presentation(schemes[name]);
      return html`${i ? "; or " : ""}${schemes[name]?.description ?? name}${how ? html` as <code>${how}</code>` : ""}`;
    })}</p>`;
  }

  operation(method: string, path: string, op: Operation) {
    const body = op.requestBody?.content?.["application/json"]?.schema;
    return html`<section class="op" id="${method}-${path}">
    <h3><span class="method ${method}">${method.toUpperCase()}</span> <code class="path">${path}</code></h3>
    <p class="summary">${op.summary ?? ""}</p>
    ${op.description ? html`<p>${prose(op.description)}</p>` : ""}
    ${this.security(op)}
    ${
      op.parameters?.length
        ? html`<h4>Parameters</h4><table class="fields">
            <tr><th>parameter</th><th>in</th><th>type</th><th>description</th></tr>
            ${op.parameters.map((p) => {
              const notes = p.schema ? this.constraints(p.schema) : [];
              return html`<tr><td><code>${p.name}</code>${p.required ? html` <span class="required">required</span>` : ""}</td><td>${p.in}</td><td>${this.typeLabel(p.schema)}</td><td>${prose(p.description)}${
                notes.length ? html` <span class="notes">${notes.join("; ")}</span>` : ""
              }</td></tr>`;
            })}
          </table>`
        : ""
    }
    ${
      body
        ? html`<h4>Request body ${op.requestBody?.required ? "" : "(optional)"}</h4><p class="type"><code>application/json</code>: ${this.typeLabel(body)}</p>${this.fields(body)}`
        : ""
    }
    <h4>Responses</h4>
    ${Object.entries(op.responses ?? {}).map(([status, response]) => {
      const [contentType, media] = Object.entries(response.content ?? {})[0] ?? [];
      const success = status.startsWith("2");
      return html`<div class="response">
        <p><span class="status s${status[0]}">${status}</span> ${prose(response.description)}${
          media?.schema ? html` <span class="type"><code>${contentType}</code>: ${this.typeLabel(media.schema)}</span>` : ""
        }</p>
        ${success && media?.schema ? this.fields(media.schema) : ""}
      </div>`;
    })}
  </section>`;
  }

  schema(name: string, schema: Schema) {
    return html`<section class="schema" id="schema-${name}">
      <h3>${name}</h3>
      ${schema.description ? html`<p>${prose(schema.description)}</p>` : ""}
      ${this.fields(schema)}
    </section>`;
  }
}

/**
 * A self-contained HTML reference generated from the OpenAPI document, with
 * every request and response schema listed field by field and named schemas
 * linked. No scripts and no inline styles (the stylesheet is `/docs/style.css`),
 * so it works offline and under a strict Content-Security-Policy.
 */
export function renderDocsPage(doc: OpenApiDocument) {
  const renderer = new Renderer(doc);
  const operations = Object.entries(doc.paths ?? {}).flatMap(([path, item]) => METHODS.filter((m) => item[m]).map((m) => ({ method: m, path, op: item[m] as Operation })));
  const byTag = new Map<string, typeof operations>();
  for (const entry of operations) {
    const tag = entry.op.tags?.[0] ?? "Other";
    byTag.set(tag, [...(byTag.get(tag) ?? []), entry]);
  }
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${doc.info.title} API reference</title>
<link rel="stylesheet" href="/docs/style.css">
</head>
<body>
<nav>
  <h1>${doc.info.title} <small>v${doc.info.version}</small></h1>
  <p><a href="/openapi.json">openapi.json</a> · <a href="#schemas">Schemas</a></p>
  ${[...byTag].map(
    ([tag, ops]) =>
      html`<h2>${tag}</h2><ul>${ops.map((o) => html`<li><a href="#${o.method}-${o.path}"><span class="method ${o.method}">${o.method.toUpperCase()}</span> <span class="path">${o.path}</span></a></li>`)}</ul>`,
  )}
</nav>
<main>
  <p>${prose(doc.info.description)}</p>
  ${[...byTag].map(([tag, ops]) => html`<h2>${tag}</h2>${ops.map((o) => renderer.operation(o.method, o.path, o.op))}`)}
  <h2 id="schemas">Schemas</h2>
  ${Object.entries(doc.components?.schemas ?? {}).map(([name, schema]) => renderer.schema(name, schema))}
</main>
</body>
</html>`;
}

/** The page's stylesheet, served from `/docs/style.css`. */
export const DOCS_STYLESHEET = `
body{margin:0;display:flex;font:15px/1.5 system-ui,sans-serif;color:#1f2328}
nav{width:340px;flex:none;height:100vh;overflow-y:auto;position:sticky;top:0;background:#f6f8fa;padding:16px;box-sizing:border-box;border-right:1px solid #d0d7de}
nav h1{font-size:20px;margin:0 0 8px}nav h2{font-size:13px;text-transform:uppercase;color:#59636e;margin:16px 0 4px}
nav ul{list-style:none;margin:0;padding:0}nav li a{display:flex;gap:6px;align-items:baseline;padding:2px 0;color:#1f2328;text-decoration:none;font-size:13px}
.path{overflow-wrap:anywhere;word-break:break-word;min-width:0}
main{flex:1;min-width:0;padding:24px 40px;max-width:1100px}
h4{margin:12px 0 4px;font-size:14px}
.op,.schema{border:1px solid #d0d7de;border-radius:8px;padding:12px 16px;margin:12px 0}.op h3,.schema h3{margin:0;font-size:16px;overflow-wrap:anywhere}
.summary{font-weight:600;margin:4px 0}.auth{color:#59636e;font-size:13px}
.method{display:inline-block;flex:none;min-width:52px;font:bold 11px monospace;color:#fff;border-radius:4px;padding:2px 4px;text-align:center}
.get{background:#0969da}.post{background:#1a7f37}.patch{background:#9a6700}.put{background:#8250df}.delete{background:#cf222e}
.status{display:inline-block;font:bold 12px monospace;border-radius:4px;padding:1px 6px;background:#eaeef2}.s2{background:#dafbe1}.s4,.s5{background:#ffebe9}
.response p{margin:6px 0}
table{border-collapse:collapse;margin:8px 0;font-size:13px;width:100%}td,th{border:1px solid #d0d7de;padding:4px 8px;text-align:left;vertical-align:top}
td table{margin:6px 0 2px}
.required{color:#cf222e;font-size:11px}.notes{color:#59636e;font-size:12px}.type{font-size:13px}
code{overflow-wrap:anywhere}
.alternatives{margin:4px 0;padding-left:20px}
`;
