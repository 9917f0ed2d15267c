/**
 * The dashboard's one stylesheet, served at /dashboard.css: the
 * Content-Security-Policy allows no inline styles, so every style lives here.
 */
export const DASHBOARD_CSS = `
:root { color-scheme: light; --ink: #1b1f24; --muted: #57606a; --line: #d0d7de; --accent: #0b57d0; --warn: #8a4b00; --warn-bg: #fff4e0; --bg: #f6f8fa; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--ink); background: #fff; }
header { display: flex; flex-wrap: wrap; align-items: center; gap: 1rem 2rem; padding: 0.75rem 1.5rem; border-bottom: 1px solid var(--line); background: var(--bg); }
.brand { font-weight: 700; font-size: 1.1rem; color: var(--ink); text-decoration: none; }
nav ul { display: flex; flex-wrap: wrap; gap: 0.25rem 1rem; list-style: none; margin: 0; padding: 0; }
nav a { color: var(--accent); text-decoration: none; }
nav a[aria-current="page"] { font-weight: 600; text-decoration: underline; }
.who { margin-left: auto; display: flex; align-items: center; gap: 1rem; color: var(--muted); }
main { padding: 1.5rem; max-width: 80rem; }
h1 { font-size: 1.4rem; margin: 0 0 1rem; }
table { border-collapse: collapse; width: 100%; }
caption { text-align: left; padding-bottom: 0.25rem; }
th, td { border: 1px solid var(--line); padding: 0.5rem 0.75rem; text-align: left; vertical-align: top; }
thead th { background: var(--bg); }
.pending { display: block; font-weight: 400; font-size: 0.85rem; color: var(--muted); }
.pending.waiting { color: var(--warn); font-weight: 600; }
.version { font-weight: 600; }
.tags { display: flex; flex-wrap: wrap; gap: 0.25rem; list-style: none; margin: 0.25rem 0; padding: 0; }
.tags li { border: 1px solid var(--line); border-radius: 0.25rem; padding: 0 0.35rem; font-size: 0.8rem; }
.meta { display: block; font-size: 0.85rem; color: var(--muted); }
.drift { display: inline-block; margin-top: 0.25rem; padding: 0 0.35rem; border-radius: 0.25rem; background: var(--warn-bg); color: var(--warn); font-size: 0.8rem; font-weight: 600; }
.none { color: var(--muted); }
form.sign-in { display: grid; gap: 0.75rem; max-width: 28rem; }
label { font-weight: 600; }
input[type="password"] { font: inherit; padding: 0.5rem; border: 1px solid var(--muted); border-radius: 0.25rem; }
button { font: inherit; padding: 0.4rem 0.9rem; border: 1px solid var(--accent); border-radius: 0.25rem; background: var(--accent); color: #fff; cursor: pointer; }
button.link { background: none; color: var(--accent); border-color: var(--line); }
.error { color: #a40e26; font-weight: 600; }
.hint { color: var(--muted); }
.notice { padding: 0.5rem 0.75rem; border: 1px solid var(--line); border-radius: 0.25rem; background: var(--bg); font-weight: 600; }
.decisions { display: grid; gap: 0.5rem; }
form.decision { display: flex; flex-wrap: wrap; align-items: center; gap: 0.25rem 0.5rem; }
form.decision label { font-weight: 400; font-size: 0.85rem; }
input[type="text"] { font: inherit; padding: 0.3rem 0.5rem; border: 1px solid var(--muted); border-radius: 0.25rem; }
button.reject { background: #fff; color: #a40e26; border-color: #a40e26; }
:focus-visible { outline: 3px solid var(--accent); outline-offset: 2px; }
/* Deployments: deployment history, release, compare, promote and revert pages */
.breadcrumb { margin-bottom: 0.5rem; font-size: 0.9rem; color: var(--muted); }
.breadcrumb a { color: var(--accent); }
h1 .kind { font-weight: 400; color: var(--muted); font-size: 1rem; margin-left: 0.5rem; }
h2 { font-size: 1.15rem; margin: 1.5rem 0 0.5rem; }
h3 { font-size: 1rem; margin: 1rem 0 0.5rem; }
.section-head { display: flex; flex-wrap: wrap; align-items: baseline; justify-content: space-between; gap: 0.5rem 1rem; }
.table-scroll, .graph-scroll, .diff-scroll { overflow-x: auto; max-width: 100%; }
.history th[scope="row"] { white-space: nowrap; }
.table-scroll caption { text-align: left; padding-bottom: 0.25rem; }
.history tr.live { background: #eef6ee; }
.live-badge { display: inline-block; margin-left: 0.4rem; padding: 0 0.4rem; border-radius: 0.25rem; background: #1a7f37; color: #fff; font-size: 0.75rem; font-weight: 600; vertical-align: middle; }
.row-actions { display: grid; gap: 0.4rem; justify-items: start; }
.compare-links { list-style: none; margin: 0; padding: 0; font-size: 0.9rem; }
.button-link { display: inline-block; padding: 0.3rem 0.8rem; border: 1px solid var(--accent); border-radius: 0.25rem; background: var(--accent); color: #fff; text-decoration: none; white-space: nowrap; }
.button-link.secondary { background: #fff; color: var(--accent); }
.outcome { list-style: none; margin: 0 0 1rem; padding: 0.5rem 0.75rem; }
ul.error.outcome { border: 1px solid #a40e26; border-radius: 0.25rem; background: #fff0f0; }
dl.fields { display: grid; grid-template-columns: max-content 1fr; gap: 0.25rem 1rem; margin: 0 0 1rem; }
dl.fields dt { font-weight: 600; }
dl.fields dd { margin: 0; overflow-wrap: anywhere; }
code.hash { font-size: 0.85rem; }
ul.actions { display: flex; flex-wrap: wrap; gap: 0.5rem 1.25rem; align-items: center; list-style: none; padding: 0; margin: 0 0 1rem; }
.blocks, .nodes { padding-left: 1.5rem; }
.blocks li, .nodes li { margin-bottom: 0.75rem; }
.role { display: inline-block; padding: 0 0.35rem; border: 1px solid var(--line); border-radius: 0.25rem; background: var(--bg); font-size: 0.8rem; font-weight: 600; }
.blocks pre, .nodes pre { margin: 0.35rem 0 0; padding: 0.6rem 0.75rem; background: var(--bg); border: 1px solid var(--line); border-radius: 0.25rem; white-space: pre-wrap; overflow-wrap: anywhere; }
.workflow-graph { display: block; max-width: none; }
.workflow-graph .edge { stroke: var(--muted); stroke-width: 1.5; }
.workflow-graph .arrow-head { fill: var(--muted); }
.workflow-graph rect { fill: #fff; stroke: var(--accent); stroke-width: 1.5; }
.workflow-graph .node-output rect { fill: #eef6ee; stroke: #1a7f37; }
.workflow-graph .node-id { font: 600 13px system-ui, sans-serif; fill: var(--ink); }
.workflow-graph .node-type { font: 12px system-ui, sans-serif; fill: var(--muted); }
.compare-sides { display: grid; grid-template-columns: repeat(auto-fit, minmax(18rem, 1fr)); gap: 0 2rem; }
.change-list { padding-left: 1.5rem; }
pre.diff { margin: 0; padding: 0.5rem 0; border: 1px solid var(--line); border-radius: 0.25rem; background: #fff; font-size: 0.85rem; line-height: 1.45; }
pre.diff .line { display: block; padding: 0 0.75rem; white-space: pre; }
pre.diff .added { background: #e6ffec; color: #116329; }
pre.diff .removed { background: #ffebe9; color: #82071e; }
pre.diff .skipped { color: var(--muted); background: var(--bg); font-style: italic; }
pre.diff .mark { display: inline-block; width: 1ch; font-weight: 700; }
.visually-hidden { position: absolute; width: 1px; height: 1px; padding: 0; margin: -1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; border: 0; }
form.promote fieldset { border: 1px solid var(--line); border-radius: 0.25rem; padding: 0.5rem 1rem 0.75rem; margin: 0 0 1rem; }
form.promote legend { font-weight: 600; padding: 0 0.25rem; }
form.promote .target { padding: 0.5rem 0; border-bottom: 1px solid var(--line); }
form.promote .target:last-child { border-bottom: 0; }
form.promote .target input[type="checkbox"] { width: 1.1rem; height: 1.1rem; vertical-align: middle; margin-right: 0.4rem; }
form.promote .target label { font-size: 1.05rem; }
form.promote .policy { margin: 0.25rem 0 0 1.6rem; padding-left: 1rem; font-size: 0.9rem; }
form.promote > label { display: block; margin-top: 0.5rem; }
form.promote input[type="text"] { width: 100%; max-width: 32rem; display: block; }
.form-actions { display: flex; flex-wrap: wrap; align-items: center; gap: 1rem; margin-top: 1rem; }
button.danger { background: #a40e26; border-color: #a40e26; }
/* Test suites */
.ts-scroll, .keys-scroll { overflow-x: auto; max-width: 100%; }
.ts-scroll table, .keys-scroll table { min-width: 44rem; }
.ts-scroll caption, .keys-scroll caption { text-align: left; }
.ts-scroll th .meta, .keys-scroll th .meta { font-weight: 400; }
.ts-rate { font-weight: 600; }
.ts-verdict { font-weight: 600; white-space: nowrap; }
.ts-passed { color: #1a6b2f; }
.ts-failed { color: #a40e26; }
.ts-values { margin: 0; display: grid; gap: 0.25rem; }
.ts-values dt { font-weight: 600; font-size: 0.85rem; color: var(--muted); }
.ts-values dd { margin: 0; }
.ts-scroll pre { margin: 0; font: 0.85rem/1.4 ui-monospace, SFMono-Regular, Menlo, monospace; white-space: pre-wrap; overflow-wrap: anywhere; }
.ts-output { max-height: 16rem; overflow: auto; padding: 0.25rem 0.4rem; background: var(--bg); border-radius: 0.25rem; }
.ts-assertions { margin: 0; padding-left: 1.1rem; }
.ts-assertions li + li { margin-top: 0.25rem; }
.ts-assertions li.ts-passed, .ts-assertions li.ts-failed { color: var(--ink); }
.ts-assertions li.ts-passed strong { color: #1a6b2f; }
.ts-assertions li.ts-failed strong { color: #a40e26; }
.ts-run-forms { display: flex; flex-wrap: wrap; align-items: flex-start; gap: 1rem; margin-bottom: 1rem; }
form.ts-run { display: grid; gap: 0.4rem; align-content: start; flex: 1 1 18rem; max-width: 28rem; padding: 0.75rem 1rem; border: 1px solid var(--line); border-radius: 0.25rem; }
form.ts-run h3 { margin: 0; font-size: 1rem; }
form.ts-run button { justify-self: start; }
.ts-run select, .keys-form select { font: inherit; padding: 0.3rem 0.4rem; border: 1px solid var(--muted); border-radius: 0.25rem; background: #fff; color: var(--ink); max-width: 100%; }
.ts-summary { display: flex; flex-wrap: wrap; gap: 0.75rem 2rem; margin: 0 0 1rem; }
.ts-summary dt { font-size: 0.85rem; color: var(--muted); font-weight: 600; }
.ts-summary dd { margin: 0; }
/* API keys */
.keys-form { display: grid; gap: 0.4rem; max-width: 32rem; }
.keys-form fieldset { border: 1px solid var(--line); border-radius: 0.25rem; margin: 0.25rem 0; padding: 0.5rem 0.75rem; }
.keys-form legend { font-weight: 600; }
.keys-form button { justify-self: start; margin-top: 0.5rem; }
.keys-scope { display: flex; align-items: baseline; gap: 0.4rem; }
.keys-scope label { font-weight: 400; }
.keys-form input[type="number"], .keys-form input[type="date"] { font: inherit; padding: 0.3rem 0.5rem; border: 1px solid var(--muted); border-radius: 0.25rem; max-width: 14rem; }
.keys-actions { display: flex; gap: 0.75rem; list-style: none; margin: 0; padding: 0; }
.keys-danger { color: #a40e26; }
.keys-state { white-space: nowrap; }
.keys-active { color: #1a6b2f; font-weight: 600; }
.keys-revoked { color: var(--muted); }
.keys-warning { padding: 0.5rem 0.75rem; border-left: 4px solid var(--warn); background: var(--warn-bg); color: #5c3200; font-weight: 600; }
.keys-code code { display: inline-block; padding: 0.5rem 0.75rem; border: 1px solid var(--line); border-radius: 0.25rem; background: var(--bg); font-size: 1rem; overflow-wrap: anywhere; user-select: all; }
.keys-secret button { margin-bottom: 1rem; }
.keys-facts { display: flex; flex-wrap: wrap; gap: 0.75rem 2rem; }
.keys-facts dt { font-size: 0.85rem; color: var(--muted); font-weight: 600; }
.keys-facts dd { margin: 0; }
.keys-confirm { display: flex; align-items: center; gap: 1rem; margin-top: 0.5rem; }
.keys-refusal { padding: 0.5rem 0.75rem; border: 1px solid var(--line); border-radius: 0.25rem; background: var(--bg); }
/* Monitoring: environment charts, executions list, execution detail */
.mon-crumbs { margin: 0 0 0.5rem; font-size: 0.9rem; color: var(--muted); }
.mon-controls { display: flex; flex-wrap: wrap; align-items: end; gap: 1rem 2rem; margin: 0 0 1rem; }
.mon-windows { display: flex; flex-wrap: wrap; gap: 0.5rem; list-style: none; margin: 0; padding: 0; }
.mon-windows a { display: inline-block; padding: 0.3rem 0.8rem; border: 1px solid var(--accent); border-radius: 0.25rem; color: var(--accent); text-decoration: none; }
.mon-windows a[aria-current="page"] { background: var(--accent); color: #fff; font-weight: 600; }
.mon-filters { display: flex; flex-wrap: wrap; align-items: end; gap: 0.75rem 1rem; margin: 0 0 1rem; }
.mon-filter { display: grid; gap: 0.2rem; }
.mon-filters select, .mon-filters input[type="date"] { font: inherit; padding: 0.3rem 0.4rem; border: 1px solid var(--muted); border-radius: 0.25rem; background: #fff; color: var(--ink); max-width: 100%; }
.mon-filter-actions { display: flex; align-items: center; gap: 1rem; }
.mon-figures { display: grid; grid-template-columns: repeat(auto-fill, minmax(9.5rem, 1fr)); gap: 0.75rem; margin: 0 0 1rem; }
.mon-figures div { padding: 0.5rem 0.75rem; border: 1px solid var(--line); border-radius: 0.25rem; background: var(--bg); }
.mon-figures dt { font-size: 0.85rem; color: var(--muted); font-weight: 600; }
.mon-figures dd { margin: 0; font-size: 1.2rem; font-weight: 600; }
.mon-legend { display: flex; flex-wrap: wrap; gap: 0.4rem 1.25rem; list-style: none; margin: 0 0 0.75rem; padding: 0; }
.mon-legend li { display: flex; align-items: center; gap: 0.4rem; }
.mon-charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(100%, 26rem), 1fr)); align-items: start; gap: 1rem 1.5rem; }
.mon-chart { margin: 0; padding: 0.5rem 0.75rem; border: 1px solid var(--line); border-radius: 0.25rem; min-width: 0; }
.mon-chart h3 { margin: 0 0 0.25rem; }
.mon-chart details { margin-top: 0.25rem; font-size: 0.9rem; }
.mon-chart summary { cursor: pointer; color: var(--accent); }
.mon-plot { display: block; width: 100%; height: auto; }
.mon-plot .grid { stroke: #eaeef2; stroke-width: 1; }
.mon-plot .axis { stroke: var(--muted); stroke-width: 1; }
.mon-plot .tick-label { font: 12px system-ui, sans-serif; fill: var(--muted); }
.mon-plot .empty-label { font: 13px system-ui, sans-serif; fill: var(--muted); }
.mon-plot .marker-label { font: 600 11px system-ui, sans-serif; fill: var(--ink); }
.mon-plot .marker-label.revert { fill: #a40e26; }
.mon-plot .marker-line, .mon-swatch .marker-line { stroke: var(--muted); stroke-width: 1.5; }
.mon-plot .marker-line.revert, .mon-swatch .marker-line.revert { stroke: #a40e26; stroke-dasharray: 3 2; }
.mon-swatch { flex: none; }
.mon-events { padding-left: 1.25rem; }
.mon-status { font-weight: 600; white-space: nowrap; }
.mon-status.ok { color: #1a6b2f; }
.mon-status.failed { color: #a40e26; }
.mon-id { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: 0.9em; overflow-wrap: anywhere; }
.mon-executions th[scope="row"] { font-weight: 400; }
.mon-executions td, .mon-per-release td { white-space: nowrap; }
.mon-executions td.mon-preview { white-space: normal; min-width: 12rem; max-width: 24rem; overflow-wrap: anywhere; }
.mon-pager { display: flex; gap: 1.5rem; margin: 0.75rem 0; }
.mon-facts { display: grid; grid-template-columns: repeat(auto-fill, minmax(12rem, 1fr)); gap: 0.75rem 1.5rem; margin: 0 0 1rem; }
.mon-facts dt { font-size: 0.85rem; color: var(--muted); font-weight: 600; }
.mon-facts dd { margin: 0; overflow-wrap: anywhere; }
.mon-payload { margin: 0; padding: 0.5rem 0.75rem; background: var(--bg); border: 1px solid var(--line); border-radius: 0.25rem; white-space: pre-wrap; overflow-wrap: anywhere; font-size: 0.9rem; }
.mon-values td:last-child { min-width: 16rem; }
@media (max-width: 40rem) {
  .mon-chart { padding: 0.5rem 0.25rem; }
  .mon-plot .tick-label { font-size: 17px; }
  .mon-plot .marker-label { font-size: 14px; }
}
/* Environments: list, settings, secrets, webhooks and delivery log */
.env-crumbs { margin: 0 0 0.5rem; font-size: 0.9rem; color: var(--muted); }
.env-links { display: flex; flex-wrap: wrap; gap: 0.25rem 1.25rem; list-style: none; margin: 0 0 1rem; padding: 0; }
td .env-links { display: grid; gap: 0.2rem; margin: 0; }
.env-frozen { color: var(--warn); font-weight: 600; }
.env-form { display: grid; gap: 0.4rem; max-width: 36rem; margin: 0.75rem 0 1rem; }
.env-form button { justify-self: start; margin-top: 0.4rem; }
.env-form fieldset { display: grid; gap: 0.4rem; border: 1px solid var(--line); border-radius: 0.25rem; margin: 0.25rem 0; padding: 0.5rem 0.75rem 0.75rem; }
.env-form legend { font-weight: 600; padding: 0 0.25rem; }
.env-form h3 { margin: 0.5rem 0 0; }
.env-form select, .audit-filters select { font: inherit; padding: 0.3rem 0.4rem; border: 1px solid var(--muted); border-radius: 0.25rem; background: #fff; color: var(--ink); max-width: 100%; }
.env-form input[type="number"], .env-form input[type="url"], .env-form input[type="datetime-local"], .env-form input[type="text"], .env-form input[type="password"] { font: inherit; padding: 0.3rem 0.5rem; border: 1px solid var(--muted); border-radius: 0.25rem; max-width: 100%; }
.env-check { display: flex; align-items: baseline; gap: 0.5rem; }
.env-check label { font-weight: 400; }
.env-facts { display: grid; grid-template-columns: max-content 1fr; gap: 0.25rem 1rem; margin: 0 0 1rem; }
.env-facts dt { font-weight: 600; }
.env-facts dd { margin: 0; overflow-wrap: anywhere; }
.env-created { margin: 1rem 0; padding: 0.75rem 1rem; border-left: 4px solid var(--warn); background: var(--warn-bg); }
.env-created h2 { margin-top: 0; }
.env-secret code { display: inline-block; padding: 0.4rem 0.6rem; border: 1px solid var(--line); border-radius: 0.25rem; background: #fff; overflow-wrap: anywhere; }
.env-section { margin-top: 1.5rem; border-top: 1px solid var(--line); }
.env-vars td label { display: block; font-weight: 400; font-size: 0.9rem; }
.env-vars input[type="text"] { width: 100%; min-width: 10rem; }
.env-json { margin: 0.35rem 0 0; padding: 0.5rem 0.75rem; background: var(--bg); border: 1px solid var(--line); border-radius: 0.25rem; font-size: 0.85rem; white-space: pre-wrap; overflow-wrap: anywhere; max-width: 40rem; }
/* Audit log */
.audit-filters { display: flex; flex-wrap: wrap; align-items: end; gap: 0.75rem 1rem; margin: 0 0 1rem; }
.audit-filters > div { display: grid; gap: 0.2rem; }
.audit-filters > .audit-filter-buttons { display: flex; align-items: center; gap: 1rem; }
.audit-pre-label { font-size: 0.85rem; margin: 0.5rem 0 0; color: var(--muted); }
.audit-when { white-space: nowrap; }
.audit-json { min-width: 24rem; white-space: pre; overflow-x: auto; overflow-wrap: normal; }
.audit-verified { border-color: #1a7f37; background: #eef6ee; color: #116329; }

/* Sandboxes: list, new sandbox, editor (edit, run, deploy) */
.sbx h2 { font-size: 1.15rem; margin: 2rem 0 0.75rem; padding-top: 1rem; border-top: 1px solid var(--line); }
.sbx h3 { font-size: 1rem; margin: 0 0 0.5rem; }
.sbx h3 .meta { display: inline; margin-left: 0.5rem; font-weight: 400; }
.sbx .scroll { overflow-x: auto; max-width: 100%; }
.sbx form.editor { display: grid; gap: 0.75rem; max-width: 60rem; }
.sbx fieldset { border: 1px solid var(--line); border-radius: 0.25rem; padding: 0.75rem 1rem; margin: 0; min-width: 0; display: grid; gap: 0.75rem; }
.sbx fieldset.plain { border: 0; padding: 0; }
.sbx fieldset.row { background: var(--bg); display: flex; flex-wrap: wrap; align-items: flex-start; gap: 0.5rem 1rem; }
.sbx legend { font-weight: 600; padding: 0 0.25rem; }
.sbx fieldset.row legend { font-size: 0.9rem; }
.sbx div.fields { display: flex; flex-wrap: wrap; gap: 0.5rem 1rem; align-items: flex-start; }
.sbx .field { display: flex; flex-direction: column; gap: 0.2rem; min-width: 0; }
.sbx .field.wide, .sbx .field.code, .sbx fieldset.block .field.code { flex: 1 1 100%; }
.sbx .field.check { flex-direction: row; align-items: center; gap: 0.4rem; align-self: center; }
.sbx .field.check label { font-weight: 400; }
.sbx .field .hint { font-size: 0.85rem; }
.sbx input[type="text"], .sbx select, .sbx textarea { font: inherit; padding: 0.3rem 0.5rem; border: 1px solid var(--muted); border-radius: 0.25rem; background: #fff; color: var(--ink); max-width: 100%; }
.sbx textarea { width: 100%; font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: 0.9rem; }
.sbx [aria-invalid="true"] { border-color: #a40e26; }
.sbx .field-error { color: #a40e26; font-size: 0.85rem; font-weight: 600; }
.sbx .error-summary { border: 2px solid #a40e26; border-radius: 0.25rem; padding: 0.75rem 1rem; margin: 0 0 1rem; background: #fff5f5; max-width: 60rem; }
.sbx .error-summary ul { margin: 0.25rem 0 0; padding-left: 1.25rem; }
.sbx .error-summary a { color: #a40e26; }
.sbx .actions { display: flex; flex-wrap: wrap; align-items: center; gap: 0.5rem 1rem; margin: 0; }
.sbx button[disabled] { opacity: 0.5; cursor: not-allowed; }
.sbx .cm-editor { border: 1px solid var(--muted); border-radius: 0.25rem; background: #fff; font-size: 0.9rem; }
.sbx .cm-editor .cm-scroller { min-height: 3.5rem; font-family: ui-monospace, SFMono-Regular, Menlo, monospace; }
.sbx .field .cm-editor.cm-focused { outline: 3px solid var(--accent); outline-offset: 2px; }
.sbx .run-result { margin-top: 1rem; padding: 0.75rem 1rem; border: 1px solid var(--line); border-radius: 0.25rem; max-width: 60rem; }
.sbx .run-result[data-state="REJECTED"] { border-color: #a40e26; }
.sbx pre { white-space: pre-wrap; word-break: break-word; margin: 0; font-size: 0.9rem; }
.sbx pre.output { padding: 0.5rem 0.75rem; background: var(--bg); border-radius: 0.25rem; }
.sbx dl.figures { display: flex; flex-wrap: wrap; gap: 0.25rem 1.5rem; margin: 0.75rem 0; }
.sbx dl.figures div, .sbx dl.figures dt { font-weight: 600; }
.sbx dl.figures dd { margin: 0 0 0 -1rem; }
.sbx ol.messages { padding-left: 1.25rem; }

/* deployments: rollouts */
.rollout-panel { border: 2px solid var(--warn); border-radius: 0.25rem; background: var(--warn-bg); padding: 0.5rem 1rem 0.75rem; margin: 0 0 1rem; }
.rollout-panel[data-status="paused"] { border-style: dashed; }
.rollout-panel h3 { margin: 0.25rem 0 0.5rem; }
.rollout-panel .table-scroll { margin-bottom: 0.5rem; }
.rollout-panel table { background: #fff; }
.rollout-actions { display: flex; flex-wrap: wrap; gap: 0.5rem; }
.rollout-actions form { margin: 0; }
button.secondary { background: #fff; color: var(--accent); }
.rollout-badge { display: inline-block; margin-left: 0.4rem; padding: 0 0.4rem; border-radius: 0.25rem; background: var(--warn); color: #fff; font-size: 0.75rem; font-weight: 600; vertical-align: middle; }
.rollout-badge.stable { background: var(--muted); }
table.ended-rollouts { margin-top: 0.5rem; }
form.rollout-start { display: grid; gap: 0.35rem; max-width: 40rem; }
form.rollout-start fieldset { border: 1px solid var(--line); border-radius: 0.25rem; padding: 0.5rem 1rem 0.75rem; margin: 0.5rem 0; display: grid; gap: 0.35rem; }
form.rollout-start legend { font-weight: 600; padding: 0 0.25rem; }
form.rollout-start .choice .hint { display: block; margin-left: 1.6rem; font-size: 0.9rem; }
form.rollout-start .rollout-guard div { display: grid; gap: 0.15rem; }
form.rollout-start .rollout-guard .hint { font-size: 0.9rem; }
form.rollout-start select { font: inherit; padding: 0.3rem 0.5rem; border: 1px solid var(--muted); border-radius: 0.25rem; }
form.rollout-start select, form.rollout-start input[type="text"] { max-width: 100%; }
`;
