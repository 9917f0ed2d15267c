import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { rmSync } from "node:fs";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

const ROOT = path.resolve(import.meta.dirname, "..");
// Run wrangler's entry point with this very Node, whatever `node` the PATH finds.
const WRANGLER = path.join(ROOT, "node_modules", "wrangler", "bin", "wrangler.js");
const STATE = path.join(ROOT, "bench", ".build", "state");
const QUIET_ENV = { ...process.env, CI: "true", WRANGLER_SEND_METRICS: "false" };

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

/**
 * Starts a Worker with `wrangler dev` on a port of its own. Both Workers of
 * the benchmark run this same way, behind the same local proxy, so the
 * comparison is like with like.
 */
async function startWranglerDev(args, port) {
  const child = spawn(process.execPath, [WRANGLER, "dev", "--port", String(port), "--ip", "127.0.0.1", "--show-interactive-dev-session=false", "--log-level", "error", ...args], {
    cwd: ROOT,
    stdio: ["ignore", "ignore", "ignore"],
    env: QUIET_ENV,
  });
  const url = `http://127.0.0.1:${port}`;
  await waitForServer(url, child);
  return { url, dispose: () => child.kill("SIGTERM") };
}

export function startBareWorker(stubUrl, port) {
  return startWranglerDev(["--config", path.join(ROOT, "bench", "bare-worker.toml"), "--var", `STUB_URL:${stubUrl}`], port);
}

/** Stagecraft on a fresh local state: migrations applied, secrets of its own. */
export async function startStagecraft(port) {
  rmSync(STATE, { recursive: true, force: true });
  const migrated = spawnSync(process.execPath, [WRANGLER, "d1", "migrations", "apply", "DB", "--local", "--persist-to", STATE], { cwd: ROOT, stdio: ["ignore", "ignore", "inherit"], env: QUIET_ENV });
  if (migrated.status !== 0) throw new Error("could not apply the migrations");
  const bootstrapToken = randomBytes(24).toString("base64url");
  const server = await startWranglerDev(
    [
      "--persist-to",
      STATE,
      "--var",
      `BOOTSTRAP_TOKEN:${bootstrapToken}`,
      "--var",
      `MASTER_KEY:${randomBytes(32).toString("base64")}`,
      "--var",
      "STAGE:production",
    ],
    port,
  );
  return { ...server, bootstrapToken };
}
