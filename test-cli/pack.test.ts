import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, expect, it } from "vitest";
import { ROOT } from "./harness";

const work = mkdtempSync(path.join(tmpdir(), "stagecraft-pack-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

// npm and the installed bin (`#!/usr/bin/env node`) run on this Node, first on the PATH.
const env = {
  ...process.env,
  PATH: `${path.dirname(process.execPath)}${path.delimiter}${process.env.PATH}`,
  npm_config_audit: "false",
  npm_config_fund: "false",
  npm_config_update_notifier: "false",
};
const npm = (args: string[], cwd: string) => execFileSync("npm", args, { cwd, encoding: "utf8", env });

it("installs from npm pack's tarball into another project, and `npx stagecraft --help` runs", () => {
  const packed = JSON.parse(npm(["pack", "--json", "--pack-destination", work], ROOT)) as { filename: string; files: { path: string }[] }[];
  expect(packed[0]!.files.map((f) => f.path)).toContain("cli/dist/stagecraft.mjs");
  const project = path.join(work, "project");
  mkdirSync(project);
  writeFileSync(path.join(project, "package.json"), JSON.stringify({ name: "uses-stagecraft", private: true }));
  npm(["install", "--prefer-offline", "--no-save", path.join(work, packed[0]!.filename)], project);
  const help = spawnSync("npx", ["--no-install", "stagecraft", "--help"], { cwd: project, encoding: "utf8", env });
  expect(help.status).toBe(0);
  expect(help.stdout).toContain("Usage: stagecraft");
  for (const command of ["validate", "push", "deploy", "test", "promote", "revert", "status", "diff", "pull", "keys"]) expect(help.stdout).toContain(command);
});
