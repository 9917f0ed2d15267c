import path from "node:path";
import { type ApiClient, createApiClient } from "./api-client";
import { CliError, ExitCode } from "./exit-codes";
import { DEFAULT_OIDC_AUDIENCE, type Environment, signInWithGithubOidc } from "./oidc";
import { Output } from "./output";
import { loadProjectConfig, type ProjectConfig } from "./project-config";
import { loadProject, type Project } from "./project-files";

export interface GlobalOptions {
  json?: boolean;
  server?: string;
  oidc?: boolean;
}

/** What every command works with: the output, the project's configuration, and (on demand) the API client and the files. */
export class Session {
  readonly out: Output;
  readonly config: ProjectConfig;
  private clientPromise: Promise<ApiClient> | undefined;

  constructor(
    private readonly options: GlobalOptions,
    private readonly env: Environment = process.env,
    cwd = process.cwd(),
  ) {
    this.out = new Output(Boolean(options.json));
    this.config = loadProjectConfig(cwd);
  }

  /** --server, then STAGECRAFT_URL, then stagecraft.yaml's `server`. */
  get server(): string {
    const server = this.options.server || this.env.STAGECRAFT_URL || this.config.server;
    if (!server) throw new CliError("No server: set `server` in stagecraft.yaml, STAGECRAFT_URL, or --server", ExitCode.usage);
    return server;
  }

  /** Signed in with STAGECRAFT_API_KEY, or with --oidc by exchanging GitHub's OIDC token for a short-lived key. */
  client(): Promise<ApiClient> {
    this.clientPromise ??= (async () => {
      const server = this.server;
      if (this.options.oidc) {
        this.out.progress("Exchanging GitHub's OIDC token for a Stagecraft key…");
        const audience = this.env.STAGECRAFT_OIDC_AUDIENCE || this.config.oidcAudience || DEFAULT_OIDC_AUDIENCE;
        const { key } = await signInWithGithubOidc({ server, audience, env: this.env });
        return createApiClient(server, key);
      }
      const key = this.env.STAGECRAFT_API_KEY;
      if (!key) throw new CliError("No API key: set STAGECRAFT_API_KEY, or use --oidc in GitHub Actions", ExitCode.usage);
      return createApiClient(server, key);
    })();
    return this.clientPromise;
  }

  /** The project's files, refused (exit 2) when any is invalid. */
  async project(): Promise<Project> {
    const project = await loadProject(this.config.root, this.config.folder);
    if (project.issues.length) {
      throw new CliError(
        `${project.issues.length} problem(s) in ${path.relative(process.cwd(), this.config.folder) || "."}; run \`stagecraft validate\`:\n${project.issues.map(formatIssue).join("\n")}`,
        ExitCode.usage,
        { issues: project.issues },
      );
    }
    return project;
  }
}

export function formatIssue(issue: { file: string; line: number; field: string; message: string }): string {
  return `${issue.file}:${issue.line}: ${issue.field}: ${issue.message}`;
}
