import { spawnSync } from "node:child_process";

/** The tests run the CLI as users do: the bundle `npm run build:cli` makes. */
export default function buildCli() {
  const result = spawnSync(process.execPath, ["cli/build.mjs"], { stdio: "inherit" });
  if (result.status !== 0) throw new Error("npm run build:cli failed");
}
