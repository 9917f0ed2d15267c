import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

export const ROOT = path.resolve(import.meta.dirname, "..");
export const CLI = path.join(ROOT, "cli", "dist", "stagecraft.mjs");
const WRANGLER = path.join(ROOT, "node_modules", "wrangler", "bin", "wrangler.js");
const QUIET_ENV = { ...process.env, CI: "true", WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false", WRANGLER_LOG: "error" };

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface LocalServer {
  url: string;
  bootstrapToken: string;
  stop(): Promise<void>;
}

/** The real Worker under `wrangler dev`, on a free port, with its own local state (migrations applied) in a temporary folder. */
export async function startServer(): Promise<LocalServer> {
  const state = mkdtempSync(path.join(tmpdir(), "stagecraft-state-"));
  const migrated = spawnSync(process.execPath, [WRANGLER, "d1", "migrations", "apply", "DB", "--local", "--persist-to", state], { cwd: ROOT, env: QUIET_ENV, encoding: "utf8" });
  if (migrated.status !== 0) throw new Error(`migrations failed: ${migrated.stderr}`);
  const [port, inspectorPort] = [await freePort(), await freePort()];
  const bootstrapToken = randomBytes(24).toString("base64url");
  const vars = {
    BOOTSTRAP_TOKEN: bootstrapToken,
    MASTER_KEY: randomBytes(32).toString("base64"),
    STAGE: "development",
    EDGE_CACHE_MS: "0",
    // The browser tests' webhook receivers and model stubs listen on loopback.
    EGRESS_ALLOW_PRIVATE_HOSTS: "127.0.0.1",
  };
  const child: ChildProcess = spawn(
    process.execPath,
    [
      WRANGLER,
      "dev",
      "--port",
      String(port),
      "--inspector-port",
      String(inspectorPort),
      "--ip",
      "127.0.0.1",
      "--show-interactive-dev-session=false",
      "--log-level",
      "error",
      "--persist-to",
      state,
      ...Object.entries(vars).flatMap(([k, v]) => ["--var", `${k}:${v}`]),
    ],
    { cwd: ROOT, stdio: ["ignore", "ignore", "pipe"], env: QUIET_ENV },
  );
  let stderr = "";
  child.stderr?.on("data", (chunk) => {
    stderr += chunk;
  });
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null) {
      child.kill("SIGTERM");
      await new Promise((resolve) => child.once("exit", resolve));
    }
    rmSync(state, { recursive: true, force: true });
  };
  for (let i = 0; i < 600; i++) {
    if (child.exitCode !== null) throw new Error(`wrangler dev exited (${child.exitCode}): ${stderr}`);
    try {
      if ((await fetch(`${url}/openapi.json`)).ok) return { url, bootstrapToken, stop };
    } catch {
      // not listening yet
    }
    await sleep(250);
  }
  await stop();
  throw new Error(`wrangler dev did not come up on ${url}: ${stderr}`);
}

export async function api<T = Record<string, unknown>>(server: LocalServer, key: string, method: string, route: string, body?: unknown): Promise<T> {
  const res = await fetch(`${server.url}${route}`, {
    method,
    headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await res.json();
  if (!res.ok) throw new Error(`${method} ${route}: ${res.status} ${JSON.stringify(json)}`);
  return json as T;
}

/** A new workspace; its admin key. */
export async function createWorkspace(server: LocalServer, name = "CLI test"): Promise<string> {
  const created = await api<{ api_key: { key: string } }>(server, server.bootstrapToken, "POST", "/v1/workspaces", { name });
  return created.api_key.key;
}

/** A temporary repository: stagecraft.yaml and the given files under stagecraft/. */
export function makeRepository(server: string, files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), "stagecraft-repo-"));
  writeFileSync(path.join(dir, "stagecraft.yaml"), `server: ${server}\nfolder: stagecraft\npipeline: [development, staging, production]\n`);
  mkdirSync(path.join(dir, "stagecraft"));
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, "stagecraft", name), text);
  return dir;
}

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
  /** stdout parsed, for --json runs. */
  json: () => any;
}

/** Runs the built CLI as a subprocess in `cwd`. */
export function runCli(cwd: string, args: string[], env: Record<string, string> = {}): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd, env: { ...process.env, STAGECRAFT_URL: "", STAGECRAFT_API_KEY: "", ...env } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => {
      stdout += chunk;
    });
    child.stderr.on("data", (chunk) => {
      stderr += chunk;
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code: code ?? -1, stdout, stderr, json: () => JSON.parse(stdout) }));
  });
}
