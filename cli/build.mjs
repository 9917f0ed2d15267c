// Bundles the CLI and everything it imports (the server's spec schemas
// included) into one file, cli/dist/stagecraft.mjs: the package's `bin`,
// which runs on Node without the TypeScript sources or a build step.
import path from "node:path";
import { build } from "esbuild";

const CLI_DIR = import.meta.dirname;

await build({
  entryPoints: [path.join(CLI_DIR, "stagecraft.ts")],
  outfile: path.join(CLI_DIR, "dist", "stagecraft.mjs"),
  bundle: true,
  platform: "node",
  target: "node22",
  format: "esm",
  banner: { js: "#!/usr/bin/env node\nimport { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
  legalComments: "none",
  logLevel: "warning",
});
