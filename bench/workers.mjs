// Starts the two Workers of the benchmark, both the same way, under one of
// two runners:
//
// - "miniflare" (the default): each Worker is bundled by wrangler exactly as
//   for a deploy, and run by Miniflare on workerd with the bindings wrangler
//   derives from its config file. Requests reach workerd's own socket for the
//   Worker, with no proxy in front, as on Cloudflare's edge.
// - "wrangler-dev": `wrangler dev`, which puts a Node proxy in front of
//   workerd (it exists for live reload); that proxy costs more per request
//   than a small Worker does, so it hides most of what separates two Workers.
import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readdirSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { gzipSync } from "node:zlib";

const ROOT = path.resolve(import.meta.dirname, "..");
// Run wrangler's entry point with this very Node, whatever `node` the PATH finds.
const WRANGLER = path.join(ROOT, "node_modules", "wrangler", "bin", "wrangler.js");
const BUILD = path.join(ROOT, "bench", ".build");
const STATE = path.join(BUILD, "state");
const QUIET_ENV = { ...process.env, CI: "true", WRANGLER_SEND_METRICS: "false", WRANGLER_LOG: "error" };

export const RUNNERS = ["miniflare", "wrangler-dev"];

function wrangler(args) {
  const result = spawnSync(process.execPath, [WRANGLER, ...args], { cwd: ROOT, stdio: ["ignore", "ignore", "inherit"], env: QUIET_ENV });
  if (result.status !== 0) throw new Error(`wrangler ${args.join(" ")} failed`);
}

async function waitForServer(url, child) {
  for (let i = 0; i < 600; i++) {
    if (child.exitCode !== null) throw new Error(`wrangler dev exited (${child.exitCode}) before ${url} was up`);
    try {
      await fetch(url);
      return;
    } catch {
      await sleep(200);
    }
  }
  throw new Error(`${url} did not come up`);
}

async function startWranglerDev(config, vars, port, persist, state) {
  const varArgs = Object.entries(vars).flatMap(([name, value]) => ["--var", `${name}:${value}`]);
  const persistArgs = persist ? ["--persist-to", state] : [];
  const child = spawn(
    process.execPath,
    [WRANGLER, "dev", "--config", config, "--port", String(port), "--ip", "127.0.0.1", "--show-interactive-dev-session=false", "--log-level", "error", ...persistArgs, ...varArgs],
    { cwd: ROOT, stdio: ["ignore", "ignore", "ignore"], env: QUIET_ENV },
  );
  const url = `http://127.0.0.1:${port}`;
  await waitForServer(url, child);
  return { url, dispose: async () => child.kill("SIGTERM") };
}

/**
 * The Worker as `wrangler deploy` would upload it, on workerd through
 * Miniflare, with its config's bindings (local D1, KV, Durable Objects and
 * Queues persisted under `state`, bench/.build/state unless told, where the
 * migrations went). `mf` is returned too, so a caller can read the bindings
 * themselves (`mf.getD1Database("DB")`).
 */
async function startMiniflare(config, name, vars, persist, state) {
  process.env.WRANGLER_LOG ??= "error";
  const [{ Miniflare, convertV4MiniflareOptions }, { unstable_getMiniflareWorkerOptions }] = await Promise.all([import("miniflare"), import("wrangler")]);
  const outdir = path.join(BUILD, name);
  wrangler(["deploy", "--dry-run", "--config", config, "--outdir", outdir]);
  const { workerOptions, main } = unstable_getMiniflareWorkerOptions(config);
  // Static assets (the dashboard's browser modules) are served by Cloudflare's asset routing in front of the
  // Worker; Miniflare runs that routing as two more Workers in front of this one (about 0.9 ms of CPU per
  // request on a 2-core machine), which is not the invoke path's to measure.
  delete workerOptions.assets;
  // The bundle keeps the entry point's base name, as .js.
  const entry = path.join(outdir, `${path.basename(main, path.extname(main))}.js`);
  const mf = new Miniflare(
    convertV4MiniflareOptions({
      ...(persist ? { resourcePersistencePath: path.join(state, "v3") } : {}),
      workers: [
        {
          ...workerOptions,
          name,
          modulesRoot: outdir,
          modules: [{ type: "ESModule", path: entry }],
          bindings: { ...workerOptions.bindings, ...vars },
          // workerd's own socket for this Worker, bypassing Miniflare's entry Worker; any free port.
          unsafeDirectSockets: [{ host: "127.0.0.1", port: 0 }],
        },
      ],
    }),
  );
  const url = String(await mf.unsafeGetDirectURL(name)).replace(/\/$/, "");
  return { url, bundle: bundleSize(outdir), mf, dispose: () => mf.dispose() };
}

/** The bytes wrangler would upload (modules, not source maps), raw and gzip-compressed. */
function bundleSize(outdir) {
  let raw = 0;
  let gzip = 0;
  for (const entry of readdirSync(outdir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || entry.name.endsWith(".map") || entry.name === "README.md") continue;
    const content = readFileSync(path.join(entry.parentPath, entry.name));
    raw += content.length;
    gzip += gzipSync(content).length;
  }
  return { raw, gzip };
}

function start(runner, config, name, vars, port, persist = false, state = STATE) {
  if (runner === "wrangler-dev") return startWranglerDev(config, vars, port, persist, state);
  if (runner === "miniflare") return startMiniflare(config, name, vars, persist, state);
  throw new Error(`unknown runner "${runner}"; use one of ${RUNNERS.join(", ")}`);
}

/**
 * Portkey's open-source gateway on Node, from its npm package (a pinned dev
 * dependency), started as its documentation says: headless, in production mode.
 */
export async function startPortkeyOnNode(port) {
  const server = path.join(ROOT, "node_modules", "@portkey-ai", "gateway", "build", "start-server.js");
  const child = spawn(process.execPath, [server, `--port=${port}`, "--headless"], {
    cwd: ROOT,
    stdio: ["ignore", "ignore", "ignore"],
    env: { ...process.env, NODE_ENV: "production" },
  });
  const url = `http://127.0.0.1:${port}`;
  await waitForServer(url, child);
  return { url, dispose: async () => child.kill("SIGTERM") };
}

/**
 * The same gateway built from a checkout of its source (BENCH_PORTKEY_SRC, with
 * its dependencies installed), bundled by wrangler from its own wrangler.toml
 * and run exactly as Stagecraft is.
 */
export function startPortkeyFromSource(runner, sourceDir, port) {
  return start(runner, path.join(path.resolve(sourceDir), "wrangler.toml"), "portkey", {}, port);
}

export function startBareWorker(runner, stubUrl, port) {
  return start(runner, path.join(ROOT, "bench", "bare-worker.toml"), "bare", { STUB_URL: stubUrl }, port);
}

/**
 * Stagecraft on a fresh local state: migrations applied, secrets of its own.
 * `state` names another directory for it (so the soak never wipes the
 * bench's), and `vars` adds to or overrides its variables.
 */
export async function startStagecraft(runner, port, { state = STATE, vars: extraVars = {} } = {}) {
  rmSync(state, { recursive: true, force: true });
  wrangler(["d1", "migrations", "apply", "DB", "--local", "--persist-to", state]);
  const bootstrapToken = randomBytes(24).toString("base64url");
  const vars = { BOOTSTRAP_TOKEN: bootstrapToken, MASTER_KEY: randomBytes(32).toString("base64"), STAGE: "production", ...extraVars };
  const server = await start(runner, path.join(ROOT, "wrangler.toml"), "stagecraft", vars, port, true, state);
  return { ...server, bootstrapToken };
}
