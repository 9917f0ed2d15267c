// npm run deploy: deploys Stagecraft to the Cloudflare account of CLOUDFLARE_API_TOKEN (CLOUDFLARE_ACCOUNT_ID names
// the account when the token reaches several). It checks first what `wrangler deploy` would not, and stops at the
// first check that fails:
//
//   1. CLOUDFLARE_API_TOKEN is set. Without it, it fails at once rather than let wrangler try a browser login.
//   2. The D1 database, KV namespace and queue that wrangler.toml names exist in the account, with the ids it gives.
//      Missing ones are listed with the command that creates each; `npm run deploy -- --provision` creates them and
//      prints the ids to put in wrangler.toml. While an id in wrangler.toml is not the account's, it stops there.
//   3. Each secret of wrangler.toml's `[secrets] required` is set on the Worker. A missing one that this process has in
//      its environment (BOOTSTRAP_TOKEN=… MASTER_KEY=… npm run deploy) is uploaded with the deploy; a secret already
//      set is never replaced (a new MASTER_KEY would make every stored environment secret unreadable).
//   4. `wrangler d1 migrations apply <database> --remote`, then `wrangler deploy`.
//
// Exit codes: 0 deployed; 1 a check or a wrangler command failed; 2 an unknown argument.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { projectRoot, wrangler } from "./wrangler-cli.mjs";

const USAGE = "usage: npm run deploy [-- --provision]";

class DeployStop extends Error {}

const say = (line = "") => console.log(line ? `deploy: ${line}` : "");
const isPlaceholder = (id) => !id || /^0+$/.test(id.replaceAll("-", ""));

/** Runs a wrangler command whose output is read; a failure stops the deploy with wrangler's own words. */
function wranglerOutput(args) {
  const { status, stdout, stderr } = wrangler(args, { capture: true });
  if (status !== 0) throw new DeployStop(`\`wrangler ${args.join(" ")}\` failed (exit ${status}):\n${(stdout + stderr).trim()}`);
  return stdout;
}

/** Runs a wrangler command with its output shown as it goes. */
function wranglerShown(args, options) {
  say(`wrangler ${args.join(" ")}`);
  const { status } = wrangler(args, options);
  if (status !== 0) throw new DeployStop(`\`wrangler ${args.join(" ")}\` failed (exit ${status})`);
}

/** The JSON array a listing command printed (anything wrangler wrote before it, such as a warning, is skipped). */
function jsonArray(output, command) {
  const start = output.search(/^\[/m);
  try {
    return JSON.parse(output.slice(start));
  } catch {
    throw new DeployStop(`could not read the output of \`wrangler ${command}\` as JSON:\n${output.trim()}`);
  }
}

function checkCredentials() {
  if (process.env.CLOUDFLARE_API_TOKEN) return;
  throw new DeployStop(
    [
      "CLOUDFLARE_API_TOKEN is not set, so nothing can be deployed.",
      "  Create an API token in the Cloudflare dashboard (My Profile → API Tokens) with the permissions",
      "  Workers Scripts: Edit, D1: Edit, Workers KV Storage: Edit and Queues: Edit on your account, then run",
      "    CLOUDFLARE_API_TOKEN=<token> CLOUDFLARE_ACCOUNT_ID=<account id> npm run deploy",
      "  In GitHub Actions, pass both from secrets (examples/github/deploy-stagecraft.yml; docs/ci.md).",
    ].join("\n"),
  );
}

function queueNames(config) {
  const names = [...(config.queues?.producers ?? []), ...(config.queues?.consumers ?? [])].map((queue) => queue.queue);
  return [...new Set(names)];
}

/** Every queue name of the account: `wrangler queues list` prints a table, a page at a time. */
function accountQueueNames() {
  const names = new Set();
  for (let page = 1; page <= 100; page++) {
    const rows = wranglerOutput(["queues", "list", "--page", String(page)])
      .split("\n")
      .filter((line) => /\b[0-9a-f]{32}\b/.test(line));
    if (rows.length === 0) break;
    for (const row of rows) {
      // Cells are separated by box-drawing or ASCII bars; the name is the cell after the id.
      const cells = row
        .split(/[│|]/)
        .map((cell) => cell.trim())
        .filter(Boolean);
      const idAt = cells.findIndex((cell) => /^[0-9a-f]{32}$/.test(cell));
      if (idAt >= 0 && cells[idAt + 1]) names.add(cells[idAt + 1]);
    }
  }
  return names;
}

/**
 * Checks the D1 database, KV namespace and queues; creates missing ones when asked.
 * Answers the lines to change in wrangler.toml (empty when it already names the account's resources).
 */
function checkResources(config, provision) {
  const toChange = [];
  const missing = [];

  for (const db of config.d1_databases ?? []) {
    const find = () => jsonArray(wranglerOutput(["d1", "list", "--json"]), "d1 list --json").find((found) => found.name === db.database_name);
    let found = find();
    if (!found && provision) {
      wranglerShown(["d1", "create", db.database_name]);
      found = find();
    }
    if (!found) missing.push(`D1 database "${db.database_name}" (binding ${db.binding}): npx wrangler d1 create ${db.database_name}`);
    else if (found.uuid !== db.database_id) toChange.push(`[[d1_databases]] binding = "${db.binding}": database_id = "${found.uuid}"`);
    else say(`D1 database "${db.database_name}" (${found.uuid}) exists`);
  }

  for (const kv of config.kv_namespaces ?? []) {
    // wrangler.toml names a namespace by id only; the one this script creates is titled "<worker>-<binding>".
    const title = `${config.name}-${kv.binding}`;
    const list = () => jsonArray(wranglerOutput(["kv", "namespace", "list"]), "kv namespace list");
    let namespaces = list();
    const byId = namespaces.find((found) => found.id === kv.id);
    if (byId) {
      say(`KV namespace "${byId.title}" (${byId.id}) exists`);
      continue;
    }
    let found = namespaces.find((candidate) => candidate.title === title);
    if (!found && provision) {
      wranglerShown(["kv", "namespace", "create", title]);
      namespaces = list();
      found = namespaces.find((candidate) => candidate.title === title);
    }
    if (!found) {
      const why = isPlaceholder(kv.id) ? "wrangler.toml has a placeholder id" : `no namespace has the id ${kv.id}`;
      missing.push(`KV namespace for binding ${kv.binding} (${why}): npx wrangler kv namespace create ${title}`);
    } else toChange.push(`[[kv_namespaces]] binding = "${kv.binding}": id = "${found.id}"`);
  }

  const wanted = queueNames(config);
  if (wanted.length > 0) {
    let existing = accountQueueNames();
    const absent = wanted.filter((name) => !existing.has(name));
    if (absent.length > 0 && provision) {
      for (const name of absent) wranglerShown(["queues", "create", name]);
      existing = accountQueueNames();
    }
    for (const name of wanted) {
      if (existing.has(name)) say(`queue "${name}" exists`);
      else missing.push(`queue "${name}": npx wrangler queues create ${name}`);
    }
  }

  if (missing.length > 0) {
    throw new DeployStop(
      [
        "these resources of wrangler.toml do not exist in the account:",
        ...missing.map((line) => `  - ${line}`),
        "Create them with the commands above, or run `npm run deploy -- --provision` to create them all.",
      ].join("\n"),
    );
  }
  return toChange;
}

/** The required secrets the Worker lacks, and those of them this process can supply from its environment. */
function checkSecrets(config) {
  const required = config.secrets?.required ?? [];
  if (required.length === 0) return {};
  const { status, stdout, stderr } = wrangler(["secret", "list", "--format", "json"], { capture: true });
  let set = [];
  if (status === 0) set = jsonArray(stdout, "secret list").map((secret) => secret.name);
  else if (/Worker "[^"]*"[^\n]* not found/.test(stdout + stderr)) say(`the Worker "${config.name}" does not exist yet: this is its first deploy`);
  else throw new DeployStop(`\`wrangler secret list\` failed (exit ${status}):\n${(stdout + stderr).trim()}`);

  const lacking = required.filter((name) => !set.includes(name));
  const unsupplied = lacking.filter((name) => !process.env[name]);
  if (unsupplied.length > 0) {
    throw new DeployStop(
      [
        `the Worker lacks required secrets: ${unsupplied.join(", ")} (wrangler.toml [secrets] required).`,
        "  Set each once with `npx wrangler secret put <NAME>` (MASTER_KEY: `openssl rand -base64 32`),",
        "  or give it to this command in the environment (e.g. MASTER_KEY=… npm run deploy) to upload it with the deploy.",
      ].join("\n"),
    );
  }
  for (const name of required) say(`secret ${name} ${lacking.includes(name) ? "is missing: uploading it from the environment" : "is set"}`);
  return Object.fromEntries(lacking.map((name) => [name, process.env[name]]));
}

async function main(argv) {
  const unknown = argv.filter((arg) => arg !== "--provision");
  if (unknown.length > 0) {
    console.error(`deploy: unknown argument ${unknown[0]}\n${USAGE}`);
    return 2;
  }
  const provision = argv.includes("--provision");

  checkCredentials();
  if (!process.env.CLOUDFLARE_ACCOUNT_ID) say("CLOUDFLARE_ACCOUNT_ID is not set: wrangler uses the token's account, and fails if the token reaches several");

  // Read as wrangler reads it; loaded only now, so that a missing token fails at once.
  const { unstable_readConfig } = await import("wrangler");
  const config = unstable_readConfig({ config: path.join(projectRoot, "wrangler.toml") });
  say(`deploying the Worker "${config.name}"`);

  const toChange = checkResources(config, provision);
  if (toChange.length > 0) {
    throw new DeployStop(["wrangler.toml does not name the account's resources. Put these ids into it, commit, and run again:", ...toChange.map((line) => `  ${line}`)].join("\n"));
  }

  const secrets = checkSecrets(config);

  const database = config.d1_databases?.[0]?.database_name;
  if (database) wranglerShown(["d1", "migrations", "apply", database, "--remote"]);

  const deployArgs = ["deploy"];
  let secretsDir;
  try {
    if (Object.keys(secrets).length > 0) {
      secretsDir = mkdtempSync(path.join(tmpdir(), "stagecraft-secrets-"));
      const file = path.join(secretsDir, "secrets.json");
      writeFileSync(file, JSON.stringify(secrets), { mode: 0o600 });
      deployArgs.push("--secrets-file", file);
    }
    wranglerShown(deployArgs);
  } finally {
    if (secretsDir) rmSync(secretsDir, { recursive: true, force: true });
  }
  say("deployed");
  return 0;
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  if (!(error instanceof DeployStop)) throw error;
  console.error(`deploy: ${error.message}`);
  process.exitCode = 1;
}
