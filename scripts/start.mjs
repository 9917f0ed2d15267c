// Local development: apply D1 migrations, start `wrangler dev`, seed a demo
// workspace on first run, and print the URL and demo keys.
import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";

const PORT = Number(process.env.PORT ?? 8787);
const BASE_URL = `http://127.0.0.1:${PORT}`;
const DEV_VARS = ".dev.vars";
const DEMO_FILE = ".stagecraft/demo.json";
// Run wrangler's entry point with this very Node, whatever `node` the PATH finds.
const WRANGLER = "node_modules/wrangler/bin/wrangler.js";
// No prompts, no telemetry, and no fetch of Request.cf data from workers.cloudflare.com (the
// app does not read request.cf; offline, the fetch fails with a stack trace): the local server
// must come up unattended and offline.
const wranglerEnv = { ...process.env, CI: "true", WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false" };

/** Local secrets, generated once into .dev.vars (which wrangler dev reads); any missing one is added. */
function ensureDevVars() {
  const vars = existsSync(DEV_VARS) ? readDevVars() : {};
  vars.BOOTSTRAP_TOKEN ??= randomBytes(24).toString("base64url");
  vars.MASTER_KEY ??= randomBytes(32).toString("base64");
  writeFileSync(
    DEV_VARS,
    Object.entries(vars)
      .map(([k, v]) => `${k}=${v}\n`)
      .join(""),
    { mode: 0o600 },
  );
  return vars;
}

function readDevVars() {
  return Object.fromEntries(
    readFileSync(DEV_VARS, "utf8")
      .split("\n")
      .filter((line) => line.includes("=") && !line.startsWith("#"))
      .map((line) => [line.slice(0, line.indexOf("=")).trim(), line.slice(line.indexOf("=") + 1).trim()]),
  );
}

function applyMigrations() {
  const result = spawnSync(process.execPath, [WRANGLER, "d1", "migrations", "apply", "DB", "--local"], { stdio: "inherit", env: wranglerEnv });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

async function waitUntilUp(child) {
  for (let i = 0; i < 600; i++) {
    if (child.exitCode !== null) throw new Error("wrangler dev exited before it was ready");
    try {
      const res = await fetch(`${BASE_URL}/openapi.json`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await sleep(200);
  }
  throw new Error(`the server did not come up on ${BASE_URL}`);
}

async function api(path, key, body, method = body ? "POST" : "GET") {
  const res = await fetch(`${BASE_URL}${path}`, {
    method,
    headers: { authorization: `Bearer ${key}`, ...(body ? { "content-type": "application/json" } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const json = await res.json();
  if (!res.ok) throw new Error(`${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

/** Reuses the demo workspace while its admin key still works; creates it otherwise. */
async function ensureDemoWorkspace(bootstrapToken) {
  if (existsSync(DEMO_FILE)) {
    const demo = JSON.parse(readFileSync(DEMO_FILE, "utf8"));
    const res = await fetch(`${BASE_URL}/v1/environments`, { headers: { authorization: `Bearer ${demo.admin_key}` } });
    if (res.ok) return demo;
  }
  const created = await api("/v1/workspaces", bootstrapToken, { name: "Demo" });
  const demo = { workspace_id: created.workspace.id, admin_key: created.api_key.key, execute_keys: {} };
  for (const env of created.environments) {
    const key = await api("/v1/api-keys", demo.admin_key, { name: `${env.name} execute (demo)`, environment: env.name, scopes: ["execute", "read"] });
    demo.execute_keys[env.name] = key.key;
  }
  await seedDemoDeployment(demo.admin_key);
  mkdirSync(".stagecraft", { recursive: true });
  writeFileSync(DEMO_FILE, JSON.stringify(demo, null, 2), { mode: 0o600 });
  return demo;
}

/**
 * A prompt on the built-in echo model, deployed to development and staging,
 * tested on staging by its own `faq smoke` suite, which production's test
 * gate requires of every release of `faq`, and promoted to production.
 */
async function seedDemoDeployment(adminKey) {
  const sandbox = await api("/v1/sandboxes", adminKey, {
    name: "faq",
    kind: "prompt",
    spec: {
      input_variables: [
        { key: "question", type: "STRING", required: true },
        { key: "product", type: "STRING", default: "Stagecraft" },
      ],
      model: { provider: "echo", name: "echo", parameters: { temperature: 0 } },
      blocks: [
        { role: "system", template: "You answer questions about {{ product }}." },
        { role: "user", template: "{{ question }}" },
      ],
    },
    scenarios: [{ name: "pricing", inputs: { question: "How much does it cost?" } }],
  });
  const deployed = await api(`/v1/sandboxes/${sandbox.id}/deploy`, adminKey, {
    deployment_name: "faq",
    environments: ["development", "staging"],
    release_tags: ["v1.0.0"],
    description: "First version",
  });
  const staging = deployed.releases.find((r) => r.environment === "staging");
  const suite = await api("/v1/test-suites", adminKey, {
    name: "faq smoke",
    description: "Checks that every faq release answers the roll-back question before it may be promoted",
    deployment: "faq",
    cases: [{ name: "roll back", inputs: { question: "How do I roll back?" }, assertions: [{ type: "contains", value: "roll back" }] }],
  });
  await api("/v1/environments/production", adminKey, { test_gate: { min_pass_rate: 1, untested: "refuse" } }, "PATCH");
  await api(`/v1/test-suites/${suite.id}/runs`, adminKey, { release_id: staging.id });
  await api(`/v1/releases/${staging.id}/promote`, adminKey, { environments: ["production"], release_tags: ["v1.0.0"] });
}

function printBanner(demo) {
  const lines = [
    "",
    `Stagecraft is running at ${BASE_URL}`,
    `  Dashboard:      ${BASE_URL}/ (sign in with a key below)`,
    `  API reference:  ${BASE_URL}/docs`,
    "",
    "Demo workspace (local development only; saved in .stagecraft/demo.json):",
    `  admin key (workspace):   ${demo.admin_key}`,
    ...Object.entries(demo.execute_keys).map(([env, key]) => `  ${`${env} execute key:`.padEnd(24)} ${key}`),
    "",
    'The demo prompt deployment "faq" is live in every environment. Try:',
    `  curl -s ${BASE_URL}/v1/deployments/faq -H "Authorization: Bearer ${demo.admin_key}"`,
    "",
  ];
  console.log(lines.join("\n"));
}

const vars = ensureDevVars();
applyMigrations();
// Local model stubs the Worker may call (see egress control in docs/operations.md), passed on as a variable:
// wrangler.toml declares its required secrets, so .dev.vars supplies only those.
const egressArgs = process.env.EGRESS_ALLOW_PRIVATE_HOSTS ? ["--var", `EGRESS_ALLOW_PRIVATE_HOSTS:${process.env.EGRESS_ALLOW_PRIVATE_HOSTS}`] : [];
const child = spawn(process.execPath, [WRANGLER, "dev", "--port", String(PORT), "--ip", "127.0.0.1", "--show-interactive-dev-session=false", "--test-scheduled", ...egressArgs], {
  stdio: ["ignore", "inherit", "inherit"],
  env: wranglerEnv,
});
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => child.kill(signal));
child.on("exit", (code) => process.exit(code ?? 0));

try {
  await waitUntilUp(child);
  printBanner(await ensureDemoWorkspace(vars.BOOTSTRAP_TOKEN));
} catch (error) {
  console.error(String(error));
  child.kill("SIGTERM");
  process.exitCode = 1;
}
