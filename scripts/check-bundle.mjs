// npm run check:bundle: builds the Worker exactly as `wrangler deploy` would (`--dry-run`: nothing is uploaded and no
// Cloudflare account is needed), prints the size of what would be uploaded and its gzip size, and fails when the gzip
// size is over the limit held here.
//
// The limit held is 3 MB (3,000,000 bytes) gzip-compressed: the Workers Free plan's limit on a Worker's compressed size,
// read as decimal megabytes so that no reading of "3 MB" is exceeded. The Paid plan allows 10 MB; a deployment on it may
// set BUNDLE_GZIP_LIMIT_MB=10. Source maps are built but not counted: Cloudflare limits them separately (15 MB gzip).
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { wrangler } from "./wrangler-cli.mjs";

const DEFAULT_LIMIT_MB = 3;
const limitMb = Number(process.env.BUNDLE_GZIP_LIMIT_MB ?? DEFAULT_LIMIT_MB);
if (!Number.isFinite(limitMb) || limitMb <= 0) {
  console.error(`check:bundle: BUNDLE_GZIP_LIMIT_MB must be a positive number of megabytes, not "${process.env.BUNDLE_GZIP_LIMIT_MB}"`);
  process.exit(2);
}
const limitBytes = Math.floor(limitMb * 1_000_000);

const kib = (bytes) => `${(bytes / 1024).toFixed(1)} KiB`;
const isModule = (name) => !name.endsWith(".map") && name !== "README.md";

/** What the bundle is made of: bytes in the output per npm package, and per folder of src/, largest first. */
function printLargestParts(meta) {
  const parts = new Map();
  for (const output of Object.values(meta.outputs)) {
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs ?? {})) {
      const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input)?.[1];
      const part = pkg ?? (input.startsWith("src/") ? input.split("/").slice(0, 2).join("/") : "other");
      parts.set(part, (parts.get(part) ?? 0) + bytesInOutput);
    }
  }
  const largest = [...parts].sort((a, b) => b[1] - a[1]).slice(0, 12);
  console.log(`  largest parts (raw, before gzip): ${largest.map(([part, bytes]) => `${part} ${kib(bytes)}`).join(", ")}`);
}

const outdir = mkdtempSync(path.join(tmpdir(), "stagecraft-bundle-"));
try {
  // The build metadata is named .map so that it is not counted as a module.
  const build = wrangler(["deploy", "--dry-run", "--outdir", outdir, "--metafile", path.join(outdir, "meta.json.map")], { capture: true });
  if (build.status !== 0) {
    process.stderr.write(build.stdout + build.stderr);
    console.error(`check:bundle: wrangler deploy --dry-run failed (exit ${build.status})`);
    process.exit(1);
  }

  const modules = readdirSync(outdir, { recursive: true, withFileTypes: true }).filter((entry) => entry.isFile() && isModule(entry.name));
  let size = 0;
  let gzipSize = 0;
  for (const entry of modules) {
    const file = path.join(entry.parentPath, entry.name);
    const content = readFileSync(file);
    size += content.length;
    gzipSize += gzipSync(content).length;
    console.log(`  ${path.relative(outdir, file)}  ${kib(content.length)}`);
  }
  printLargestParts(JSON.parse(readFileSync(path.join(outdir, "meta.json.map"), "utf8")));
  const share = ((gzipSize / limitBytes) * 100).toFixed(0);
  console.log(`check:bundle: ${modules.length} module(s), ${kib(size)}, gzip ${kib(gzipSize)}: ${share}% of the ${limitMb} MB gzip limit`);
  if (gzipSize > limitBytes) {
    console.error(`check:bundle: the Worker is over the limit by ${kib(gzipSize - limitBytes)}; Cloudflare would refuse the upload`);
    process.exit(1);
  }
} finally {
  rmSync(outdir, { recursive: true, force: true });
}
