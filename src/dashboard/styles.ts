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
nav ul { display: flex; gap: 1rem; list-style: none; margin: 0; padding: 0; }
nav a { color: var(--accent); text-decoration: none; }
nav a[aria-current="page"] { font-weight: 600; text-decoration: underline; }
.who { margin-left: auto; display: flex; align-items: center; gap: 1rem; color: var(--muted); }
main { padding: 1.5rem; max-width: 80rem; }
h1 { font-size: 1.4rem; margin: 0 0 1rem; }
table { border-collapse: collapse; width: 100%; }
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
`;
