import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { LineCounter, parseDocument } from "yaml";
import { z } from "zod";
import { CliError, ExitCode } from "./exit-codes";
import { lineOf } from "./yaml-locations";

export const CONFIG_FILE = "stagecraft.yaml";

const ProjectConfigSchema = z.strictObject({
  server: z.url().optional(),
  folder: z.string().min(1).default("stagecraft"),
  pipeline: z.array(z.string().min(1).max(64)).min(1).default(["development", "staging", "production"]),
  oidc: z.strictObject({ audience: z.string().min(1).optional() }).optional(),
});

export interface ProjectConfig {
  /** The repository root: the folder holding stagecraft.yaml (the working directory when there is none). */
  root: string;
  /** Where stagecraft.yaml was found, or null. */
  file: string | null;
  server: string | undefined;
  /** The absolute path of the folder of prompt, workflow and suite files. */
  folder: string;
  pipeline: string[];
  oidcAudience: string | undefined;
}

/** The nearest stagecraft.yaml from `start` upwards. */
function findConfigFile(start: string): string | null {
  for (let dir = path.resolve(start); ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, CONFIG_FILE);
    if (existsSync(candidate)) return candidate;
    if (path.dirname(dir) === dir) return null;
  }
}

/** Reads stagecraft.yaml (the defaults when there is none); a bad one is a usage error naming its line. */
export function loadProjectConfig(cwd: string): ProjectConfig {
  const file = findConfigFile(cwd);
  const root = file ? path.dirname(file) : path.resolve(cwd);
  let raw: unknown = {};
  if (file) {
    const text = readFileSync(file, "utf8");
    const lineCounter = new LineCounter();
    const doc = parseDocument(text, { lineCounter });
    if (doc.errors.length) throw new CliError(`${file}: ${doc.errors[0]!.message}`, ExitCode.usage);
    raw = doc.toJS() ?? {};
    const parsed = ProjectConfigSchema.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      const field = issue.code === "unrecognized_keys" ? [...issue.path, issue.keys[0]!] : issue.path;
      throw new CliError(
        `${path.relative(process.cwd(), file) || CONFIG_FILE}:${lineOf(doc, lineCounter, field)}: ${field.join(".") || "(root)"}: ${issue.message}`,
        ExitCode.usage,
      );
    }
  }
  const config = ProjectConfigSchema.parse(raw);
  return { root, file, server: config.server, folder: path.resolve(root, config.folder), pipeline: config.pipeline, oidcAudience: config.oidc?.audience };
}
