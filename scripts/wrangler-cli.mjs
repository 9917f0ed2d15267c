// Runs this project's pinned wrangler on the Node.js running the script (Node 24 under `npm run`), for the scripts
// behind `npm run deploy` and `npm run check:bundle`.
import { spawnSync } from "node:child_process";
import path from "node:path";

export const projectRoot = path.resolve(import.meta.dirname, "..");
const WRANGLER_BIN = path.join(projectRoot, "node_modules", "wrangler", "bin", "wrangler.js");

/**
 * Runs `wrangler <args>` in the project root.
 * With `capture`, answers its exit status and output; otherwise its output goes to this process's.
 *
 * @example
 * const { status, stdout } = wrangler(["d1", "list", "--json"], { capture: true });
 */
export function wrangler(args, { capture = false, env = {} } = {}) {
  const result = spawnSync(process.execPath, [WRANGLER_BIN, ...args], {
    cwd: projectRoot,
    encoding: "utf8",
    stdio: capture ? ["ignore", "pipe", "pipe"] : "inherit",
    // No usage metrics: CI runs have no reason to send them, and some have no network but Cloudflare's API.
    env: { ...process.env, WRANGLER_SEND_METRICS: "false", ...env },
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.error) throw result.error;
  return { status: result.status ?? 1, stdout: result.stdout ?? "", stderr: result.stderr ?? "" };
}
