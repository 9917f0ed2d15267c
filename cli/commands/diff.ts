import type { Command } from "commander";
import { createTwoFilesPatch } from "diff";
import { liveRelease, releaseWithSpec } from "../api-client";
import { readableSpec } from "../compare";
import { ExitCode } from "../exit-codes";
import type { Session } from "../session";

/**
 * `stagecraft diff`: a unified diff of the canonical specs (YAML, sorted keys)
 * of what `--env` serves (a) against the repository, or against what
 * `--against` serves (b). With --exit-code, exits 5 when anything differs.
 */
export function registerDiff(program: Command, session: () => Session) {
  program
    .command("diff")
    .description("Diff the repository against an environment, or two environments (canonical specs, unified diff)")
    .argument("[names...]", "only these deployments (default: every prompt and workflow file)")
    .option("--env <environment>", "the environment on the left (default: the pipeline's last)")
    .option("--against <environment>", "compare with this environment instead of the repository")
    .option("--exit-code", "exit 5 when there are differences")
    .action(async (names: string[], options: { env?: string; against?: string; exitCode?: boolean }) => {
      const s = session();
      const project = await s.project();
      const client = await s.client();
      const left = options.env ?? s.config.pipeline.at(-1)!;
      const right = options.against ?? "repository";
      const files = project.sandboxes.filter((f) => names.length === 0 || names.includes(f.name));
      s.out.progress(`Comparing ${files.length} deployment(s): ${left} → ${right}…`);
      const liveSpec = async (name: string, environment: string) => {
        const release = await liveRelease(client, name, environment);
        return release ? readableSpec((await releaseWithSpec(client, release.id)).spec) : null;
      };
      const diffs: { name: string; left: { environment: string; live: boolean }; right: { source: string; present: boolean }; patch: string }[] = [];
      for (const file of files) {
        const a = await liveSpec(file.name, left);
        const b = options.against ? await liveSpec(file.name, options.against) : readableSpec(file.spec);
        if (a === b) continue;
        const patch = createTwoFilesPatch(a === null ? "/dev/null" : `${left}/${file.name}`, b === null ? "/dev/null" : `${right}/${file.name}`, a ?? "", b ?? "");
        diffs.push({ name: file.name, left: { environment: left, live: a !== null }, right: { source: right, present: b !== null }, patch });
      }
      s.out.result({ left, right, different: diffs.length > 0, diffs }, () => {
        for (const d of diffs) s.out.line(d.patch.replace(/^=+\n/m, ""));
        if (!diffs.length) s.out.line(`No differences between ${left} and ${right}`);
      });
      if (options.exitCode && diffs.length) process.exitCode = ExitCode.drift;
    });
}
