import type { Command } from "commander";
import { ExitCode } from "../exit-codes";
import { loadProject } from "../project-files";
import { formatIssue, type Session } from "../session";

/** `stagecraft validate`: every file checked offline, as the server would check it. */
export function registerValidate(program: Command, session: () => Session) {
  program
    .command("validate")
    .description("Check every prompt, workflow and suite file offline with the server's own schemas")
    .action(async () => {
      const s = session();
      const project = await loadProject(s.config.root, s.config.folder);
      const ok = project.issues.length === 0;
      s.out.result(
        {
          ok,
          prompts: project.sandboxes.map((f) => ({ file: f.file, name: f.name, kind: f.kind, content_hash: f.contentHash })),
          suites: project.suites.map((f) => ({ file: f.file, name: f.name })),
          issues: project.issues,
        },
        () => {
          for (const issue of project.issues) s.out.line(formatIssue(issue));
          s.out.line(ok ? `${project.sandboxes.length} prompt/workflow file(s) and ${project.suites.length} suite file(s) are valid` : `${project.issues.length} problem(s) found`);
        },
      );
      if (!ok) process.exitCode = ExitCode.usage;
    });
}
