import { html, raw } from "hono/html";

interface Operation {
  summary?: string;
  description?: string;
  tags?: string[];
  parameters?: { name: string; in: string; required?: boolean; description?: string; schema?: unknown }[];
  requestBody?: { content?: Record<string, { schema?: unknown }> };
  responses?: Record<string, { description?: string; content?: Record<string, { schema?: unknown }> }>;
}

interface OpenApiDocument {
  info: { title: string; version: string; description?: string };
  paths?: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, unknown> };
}

const METHODS = ["get", "post", "put", "patch", "delete"] as const;

/** Renders `code` spans of a description; everything else is escaped text. */
function prose(text: string | undefined) {
  return (text ?? "").split("`").map((part, i) => (i % 2 === 1 ? html`<code>${part}</code>` : html`${part}`));
}

function schemaText(schema: unknown): string {
  return JSON.stringify(schema, null, 2);
}

function renderOperation(method: string, path: string, op: Operation) {
  const body = op.requestBody?.content?.["application/json"]?.schema;
  return html`<section class="op" id="${method}-${path}">
    <h3><span class="method ${method}">${method.toUpperCase()}</span> <code>${path}</code></h3>
    <p class="summary">${op.summary ?? ""}</p>
    ${op.description ? html`<p>${prose(op.description)}</p>` : ""}
    ${
      op.parameters?.length
        ? html`<table>
            <tr><th>parameter</th><th>in</th><th>required</th><th>description</th></tr>
            ${op.parameters.map((p) => html`<tr><td><code>${p.name}</code></td><td>${p.in}</td><td>${p.required ? "yes" : "no"}</td><td>${prose(p.description)}</td></tr>`)}
          </table>`
        : ""
    }
    ${body ? html`<details><summary>Request body</summary><pre>${schemaText(body)}</pre></details>` : ""}
    <table>
      <tr><th>status</th><th>meaning</th></tr>
      ${Object.entries(op.responses ?? {}).map(([status, r]) => html`<tr><td>${status}</td><td>${prose(r.description)}</td></tr>`)}
    </table>
  </section>`;
}

/**
 * A self-contained HTML reference generated from the OpenAPI document: no
 * scripts or assets from elsewhere, so it works offline and on a locked-down network.
 */
export function renderDocsPage(doc: OpenApiDocument) {
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
<style>${raw(STYLE)}</style>
</head>
<body>
<nav>
  <h1>${doc.info.title} <small>v${doc.info.version}</small></h1>
  <p><a href="/openapi.json">openapi.json</a></p>
  ${[...byTag].map(
    ([tag, ops]) =>
      html`<h2>${tag}</h2><ul>${ops.map((o) => html`<li><a href="#${o.method}-${o.path}"><span class="method ${o.method}">${o.method.toUpperCase()}</span> ${o.path}</a></li>`)}</ul>`,
  )}
</nav>
<main>
  <p>${prose(doc.info.description)}</p>
  ${[...byTag].map(([tag, ops]) => html`<h2>${tag}</h2>${ops.map((o) => renderOperation(o.method, o.path, o.op))}`)}
  <h2>Schemas</h2>
  ${Object.entries(doc.components?.schemas ?? {}).map(([name, schema]) => html`<details id="schema-${name}"><summary>${name}</summary><pre>${schemaText(schema)}</pre></details>`)}
</main>
</body>
</html>`;
}

const STYLE = `
body{margin:0;display:flex;font:15px/1.5 system-ui,sans-serif;color:#1f2328}
nav{width:300px;flex:none;height:100vh;overflow:auto;position:sticky;top:0;background:#f6f8fa;padding:16px;box-sizing:border-box;border-right:1px solid #d0d7de}
nav h1{font-size:20px;margin:0 0 8px}nav h2{font-size:13px;text-transform:uppercase;color:#59636e;margin:16px 0 4px}
nav ul{list-style:none;margin:0;padding:0}nav li a{display:block;padding:2px 0;color:#1f2328;text-decoration:none;font-size:13px}
main{flex:1;padding:24px 40px;max-width:960px}
.op{border:1px solid #d0d7de;border-radius:8px;padding:12px 16px;margin:12px 0}.op h3{margin:0;font-size:16px}
.summary{font-weight:600;margin:4px 0}
.method{display:inline-block;min-width:52px;font:bold 11px monospace;color:#fff;border-radius:4px;padding:2px 4px;text-align:center}
.get{background:#0969da}.post{background:#1a7f37}.patch{background:#9a6700}.put{background:#8250df}.delete{background:#cf222e}
table{border-collapse:collapse;margin:8px 0;font-size:13px}td,th{border:1px solid #d0d7de;padding:4px 8px;text-align:left}
pre{background:#f6f8fa;padding:8px;overflow:auto;font-size:12px}
`;
