import type { Command } from "commander";
import { must } from "../api-client";
import type { Session } from "../session";
import { tagsOf } from "./deploy";

/** `stagecraft revert <deployment> --env production [--to <release>]`: a new release with the content of the one live before (or of --to). */
export function registerRevert(program: Command, session: () => Session) {
  program
    .command("revert")
    .description("Revert a deployment in one environment to the release live before, or to --to")
    .argument("<deployment>", "the deployment's name")
    .requiredOption("--env <environment>", "the environment to revert")
    .option("--to <release>", "the release whose content to restore (default: the one live before the current one)")
    .action(async (deployment: string, options: { env: string; to?: string }) => {
      const s = session();
      const client = await s.client();
      s.out.progress(`Reverting ${deployment} in ${options.env}…`);
      const { data } = await must(
        client.POST("/v1/deployments/{id}/revert", {
          params: { path: { id: deployment }, query: { environment: options.env } },
          body: options.to ? { release_id: options.to } : {},
        }),
        `Reverting ${deployment}`,
      );
      const r = data.release;
      s.out.result(data, () => s.out.line(`${deployment} in ${r.environment}: v${r.version} (${r.id}, ${tagsOf(r)}) restores ${r.source.release_id ?? "the previous release"}`));
    });
}
