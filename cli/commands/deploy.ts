import type { Command } from "commander";
import { allSandboxes, must, type Release } from "../api-client";
import { sandboxMatchesFile } from "../compare";
import { CliError, ExitCode } from "../exit-codes";
import type { Session } from "../session";
import { applyPlan, planPush, planView } from "./push";

export const splitList = (value: string) =>
  value
    .split(",")
    .map((v) => v.trim())
    .filter(Boolean);

export const tagsOf = (release: { tags: string[] }) => release.tags.join(",");

/**
 * `stagecraft deploy <names…> --to development,staging`: one atomic deploy per
 * sandbox into every named environment, of exactly the pushed revision. The
 * suites of the deployed deployments are pushed afterwards (a suite names a
 * deployment, which exists from its first deploy).
 */
export function registerDeploy(program: Command, session: () => Session) {
  program
    .command("deploy")
    .description("Deploy sandboxes to several environments at once (all or none, per sandbox)")
    .argument("<names...>", "prompt or workflow names, as in their files")
    .requiredOption("--to <environments>", "comma-separated environments, e.g. development,staging", splitList)
    .option("--tag <tags>", "release tags to add, comma-separated (e.g. v1.2.0)", splitList)
    .option("--description <text>", "the releases' description")
    .action(async (names: string[], options: { to: string[]; tag?: string[]; description?: string }) => {
      const s = session();
      const project = await s.project();
      const client = await s.client();
      const sandboxes = await allSandboxes(client);
      const deployed: { name: string; releases: Release[] }[] = [];
      for (const name of names) {
        const file = project.sandboxes.find((f) => f.name === name);
        if (!file) throw new CliError(`No prompt or workflow file named "${name}" in ${s.config.folder}`, ExitCode.usage);
        const sandbox = sandboxes.find((x) => x.name === name);
        if (!sandbox || !sandboxMatchesFile(sandbox, file))
          throw new CliError(`${file.file} differs from its sandbox on the server: run \`stagecraft push\` first`, ExitCode.usage);
        s.out.progress(`Deploying ${name} (revision ${sandbox.revision}) to ${options.to.join(", ")}…`);
        const { data } = await must(
          client.POST("/v1/sandboxes/{id}/deploy", {
            params: { path: { id: sandbox.id } },
            body: { deployment_name: name, environments: options.to, sandbox_revision: sandbox.revision, release_tags: options.tag, description: options.description },
          }),
          `Deploying ${name}`,
        );
        deployed.push({ name, releases: data.releases });
      }
      const suiteSteps = await planPush(s, project, { suitesOf: new Set(names) });
      await applyPlan(s, suiteSteps);
      s.out.result({ deployed, suites: planView(suiteSteps) }, () => {
        s.out.table(
          ["DEPLOYMENT", "ENVIRONMENT", "VERSION", "TAGS", "RELEASE"],
          deployed.flatMap((d) => d.releases.map((r) => [d.name, r.environment, String(r.version), tagsOf(r), r.id])),
        );
        for (const step of suiteSteps.filter((x) => x.apply)) s.out.line(`suite ${step.name}: ${step.action === "create" ? "created" : "updated"}`);
      });
    });
}
