import type { Command } from "commander";
import { allSandboxes, liveRelease, type Release } from "../api-client";
import { sandboxMatchesFile } from "../compare";
import { ExitCode } from "../exit-codes";
import type { Session } from "../session";
import { tagsOf } from "./deploy";

interface Cell {
  environment: string;
  release: Pick<Release, "id" | "version" | "tags" | "content_hash"> | null;
  /** Whether the live release holds the file's spec; null when nothing is live. */
  matches: boolean | null;
}

/**
 * `stagecraft status`: each file's deployment in each environment of the
 * pipeline, by content hash: the live version and tags, and whether it is
 * what the repository holds. Exits 5 when anything drifted: a file that
 * differs from its sandbox or from a live release.
 */
export function registerStatus(program: Command, session: () => Session) {
  program
    .command("status")
    .description("Deployments × environments: live version, tags, and whether each matches the repository (exit 5 on drift)")
    .option("--env <environments>", "environments to show (default: the pipeline)", (v: string) => v.split(","))
    .action(async (options: { env?: string[] }) => {
      const s = session();
      const project = await s.project();
      const client = await s.client();
      const environments = options.env ?? s.config.pipeline;
      s.out.progress(`Reading ${project.sandboxes.length} deployment(s) in ${environments.join(", ")}…`);
      const sandboxes = await allSandboxes(client);
      const rows = await Promise.all(
        project.sandboxes.map(async (file) => {
          const sandbox = sandboxes.find((x) => x.name === file.name);
          const sandboxState = !sandbox ? "not pushed" : sandboxMatchesFile(sandbox, file) ? "in sync" : "changed";
          const cells: Cell[] = await Promise.all(
            environments.map(async (environment) => {
              const release = await liveRelease(client, file.name, environment);
              return {
                environment,
                release: release && { id: release.id, version: release.version, tags: release.tags, content_hash: release.content_hash },
                matches: release ? release.content_hash === file.contentHash : null,
              };
            }),
          );
          return { name: file.name, kind: file.kind, file: file.file, content_hash: file.contentHash, sandbox: sandboxState, environments: cells };
        }),
      );
      const drift = rows.some((r) => r.sandbox !== "in sync" || r.environments.some((c) => c.matches === false));
      s.out.result({ drift, deployments: rows }, () => {
        s.out.table(
          ["DEPLOYMENT", "SANDBOX", ...environments.map((e) => e.toUpperCase())],
          rows.map((r) => [r.name, r.sandbox, ...r.environments.map((c) => (c.release ? `v${c.release.version} ${c.matches ? "=" : "≠"} ${tagsOf(c.release)}` : "-"))]),
        );
        s.out.line(drift ? "Drift: the repository differs from the server (= matches the repository, ≠ differs)" : "Everything live matches the repository");
      });
      if (drift) process.exitCode = ExitCode.drift;
    });
}
