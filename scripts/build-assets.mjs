// Builds the dashboard's browser modules (src/dashboard/client/*.ts) into
// dist/public/static/, which Workers static assets serve at /static/.
// The bundles are minified ES modules with every dependency inside: no CDN.
import { copyFileSync, mkdirSync, readdirSync } from "node:fs";
import path from "node:path";
import { build } from "esbuild";

const ROOT = path.resolve(import.meta.dirname, "..");
const SOURCE = path.join(ROOT, "src", "dashboard", "client");
const PUBLIC = path.join(ROOT, "dist", "public");

const entryPoints = readdirSync(SOURCE)
  .filter((name) => name.endsWith(".ts"))
  .map((name) => path.join(SOURCE, name));

mkdirSync(path.join(PUBLIC, "static"), { recursive: true });
await build({
  entryPoints,
  outdir: path.join(PUBLIC, "static"),
  bundle: true,
  format: "esm",
  minify: true,
  target: "es2022",
  legalComments: "none",
  logLevel: "warning",
});
copyFileSync(path.join(SOURCE, "_headers"), path.join(PUBLIC, "_headers"));
