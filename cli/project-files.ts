import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { type Document, LineCounter, parseDocument } from "yaml";
import type { Scenario } from "../src/db/schema";
import { privateHostList, STRICT_EGRESS } from "../src/egress/outbound-url";
import type { FieldIssue } from "../src/lib/problem";
import { CreateSandboxBody, DeployBody } from "../src/routes/sandboxes/schemas";
import { CreateTestSuiteBody } from "../src/routes/test-suites/schemas";
import { caseIssues, type TestCaseInput } from "../src/specs/test-case-spec";
import { contentHash, type Spec, type SpecKind } from "../src/specs/validate-spec";
import { validateDraft } from "../src/testing/sandboxes";
import { lineOf, parseFieldPath } from "./yaml-locations";

/**
 * What offline validation lets a spec call: any public host, and the local
 * stubs EGRESS_ALLOW_PRIVATE_HOSTS names in the CLI's environment, as a
 * development server with the same setting accepts them.
 */
const OFFLINE_EGRESS = { ...STRICT_EGRESS, privateHosts: privateHostList(process.env.EGRESS_ALLOW_PRIVATE_HOSTS) };

/**
 * The files of a project folder, checked offline with the very schemas and
 * checks the server applies to a sandbox or test suite body: a file that
 * passes here is one the server accepts.
 *
 *   <name>.prompt.yaml    name, kind: prompt, spec, scenarios
 *   <name>.workflow.yaml  name, kind: workflow, spec, scenarios
 *   <name>.suite.yaml     name, deployment, description, cases
 */

export interface SandboxFile {
  file: string;
  name: string;
  kind: SpecKind;
  /** The spec as the server stores it: parsed, defaults filled in. */
  spec: Spec["spec"];
  scenarios: Scenario[];
  /** What a release of this spec has as `content_hash`. */
  contentHash: string;
}

export interface SuiteFile {
  file: string;
  name: string;
  deployment: string | null;
  description: string;
  cases: TestCaseInput[];
}

export interface FileIssue {
  /** Relative to the repository root. */
  file: string;
  line: number;
  field: string;
  message: string;
}

export interface Project {
  sandboxes: SandboxFile[];
  suites: SuiteFile[];
  issues: FileIssue[];
}

const SUFFIXES = { ".prompt.yaml": "prompt", ".workflow.yaml": "workflow", ".suite.yaml": "suite" } as const;
type FileType = (typeof SUFFIXES)[keyof typeof SUFFIXES];

function fileTypeOf(name: string): FileType | null {
  for (const [suffix, type] of Object.entries(SUFFIXES)) if (name.endsWith(suffix) || name.endsWith(suffix.replace(/yaml$/, "yml"))) return type;
  return null;
}

/** Zod issues as field issues with their own paths (an unknown field named by itself, not its parent). */
function zodIssues(issues: readonly { code: string; path: PropertyKey[]; message: string; keys?: string[] }[]): { path: PropertyKey[]; message: string }[] {
  return issues.flatMap((i) =>
    i.code === "unrecognized_keys" && i.keys ? i.keys.map((k) => ({ path: [...i.path, k], message: "Unknown field" })) : [{ path: i.path, message: i.message }],
  );
}

/** The server names fields from the request body (`body.spec.nodes[0]`); in a file they start at its top. */
const fromBody = (issue: FieldIssue) => ({ path: parseFieldPath(issue.path.replace(/^body\.?/, "")), message: issue.message });

function formatField(path: readonly PropertyKey[]): string {
  return path.reduce<string>((acc, p) => (typeof p === "number" ? `${acc}[${p}]` : acc ? `${acc}.${String(p)}` : String(p)), "") || "(file)";
}

class FileChecker {
  readonly issues: FileIssue[] = [];
  constructor(
    readonly file: string,
    private readonly doc: Document,
    private readonly lineCounter: LineCounter,
  ) {}

  add(path: readonly PropertyKey[], message: string) {
    this.issues.push({ file: this.file, line: lineOf(this.doc, this.lineCounter, path), field: formatField(path), message });
  }
}

async function checkSandboxFile(checker: FileChecker, raw: unknown, kind: SpecKind): Promise<SandboxFile | null> {
  const body = CreateSandboxBody.safeParse(raw);
  if (!body.success) {
    for (const issue of zodIssues(body.error.issues)) checker.add(issue.path, issue.message);
    return null;
  }
  const { name, spec: rawSpec } = body.data;
  if (body.data.kind !== kind) {
    checker.add(["kind"], `A .${kind}.yaml file must have kind "${kind}"`);
    return null;
  }
  const deploymentName = DeployBody.shape.deployment_name.safeParse(name);
  if (!deploymentName.success) checker.add(["name"], `The name is also the deployment's: ${deploymentName.error.issues[0]!.message}`);
  const scenarios = (body.data.scenarios ?? []) as Scenario[];
  const spec = validateDraft(kind, rawSpec, scenarios, OFFLINE_EGRESS);
  if (!spec.ok) {
    for (const issue of (spec.error.errors ?? [{ path: "body.spec", message: spec.error.detail }]).map(fromBody)) checker.add(issue.path, issue.message);
    return null;
  }
  if (!deploymentName.success) return null;
  return { file: checker.file, name, kind, spec: spec.value.spec, scenarios, contentHash: await contentHash(spec.value) };
}

function checkSuiteFile(checker: FileChecker, raw: unknown): SuiteFile | null {
  const body = CreateTestSuiteBody.safeParse(raw);
  if (!body.success) {
    for (const issue of zodIssues(body.error.issues)) checker.add(issue.path, issue.message);
    return null;
  }
  const issues = caseIssues(body.data.cases).map(fromBody);
  for (const issue of issues) checker.add(issue.path, issue.message);
  if (issues.length) return null;
  const { name, deployment, description, cases } = body.data;
  return { file: checker.file, name, deployment: deployment ?? null, description: description ?? "", cases };
}

function duplicates<T extends { name: string; file: string }>(items: T[], what: string): FileIssue[] {
  const seen = new Map<string, string>();
  const issues: FileIssue[] = [];
  for (const item of items) {
    const first = seen.get(item.name);
    if (first) issues.push({ file: item.file, line: 1, field: "name", message: `${what} "${item.name}" is also defined in ${first}` });
    else seen.set(item.name, item.file);
  }
  return issues;
}

/** Reads and checks every prompt, workflow and suite file in `folder`; `root` is what file names are relative to. */
export async function loadProject(root: string, folder: string): Promise<Project> {
  const project: Project = { sandboxes: [], suites: [], issues: [] };
  let entries: string[];
  try {
    entries = readdirSync(folder).sort();
  } catch {
    project.issues.push({ file: path.relative(root, folder) || ".", line: 0, field: "(folder)", message: "The folder does not exist" });
    return project;
  }
  for (const entry of entries) {
    const type = fileTypeOf(entry);
    if (!type) continue;
    const absolute = path.join(folder, entry);
    const file = path.relative(root, absolute);
    const lineCounter = new LineCounter();
    const doc = parseDocument(readFileSync(absolute, "utf8"), { lineCounter, uniqueKeys: true });
    if (doc.errors.length) {
      for (const error of doc.errors) project.issues.push({ file, line: error.linePos?.[0].line ?? 1, field: "(yaml)", message: error.message.split("\n")[0]! });
      continue;
    }
    const checker = new FileChecker(file, doc, lineCounter);
    const raw = doc.toJS();
    if (type === "suite") {
      const suite = checkSuiteFile(checker, raw);
      if (suite) project.suites.push(suite);
    } else {
      const sandbox = await checkSandboxFile(checker, raw, type);
      if (sandbox) project.sandboxes.push(sandbox);
    }
    project.issues.push(...checker.issues);
  }
  project.issues.push(...duplicates(project.sandboxes, "A prompt or workflow"), ...duplicates(project.suites, "A suite"));
  return project;
}
