import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { Command } from "commander";
import { stringify } from "yaml";
import { allTestSuites, liveRelease, must, releaseWithSpec } from "../api-client";
import type { Session } from "../session";

const fileNameOf = (name: string) => name.replace(/[^A-Za-z0-9._-]+/g, "-");
const toYaml = (value: unknown) => stringify(value, { lineWidth: 0 });

/**
 * `stagecraft pull --env production [--out dir]`: writes what the environment
 * serves as files: each deployment's live spec (with its sandbox's scenarios)
 * and the suites of those deployments.
 */
export function registerPull(program: Command, session: () => Session) {
  program
    .command("pull")
    .description("Write what an environment serves to files (default: the project folder)")
    .requiredOption("--env <environment>", "the environment to read")
    .option("--out <dir>", "the folder to write to")
    .action(async (options: { env: string; out?: string }) => {
      const s = session();
      const client = await s.client();
      const out = options.out ? path.resolve(options.out) : s.config.folder;
      s.out.progress(`Reading the deployments live in ${options.env}…`);
      const query = { environment: options.env, limit: 100 };
      const [prompts, workflows] = await Promise.all([
        must(client.GET("/v1/deployments", { params: { query } }), "Listing prompt deployments"),
        must(client.GET("/v1/workflow-deployments", { params: { query } }), "Listing workflow deployments"),
      ]);
      const deployments = [...prompts.data.results, ...workflows.data.results];
      mkdirSync(out, { recursive: true });
      const written: { file: string; type: string; name: string; release_id?: string }[] = [];
      for (const deployment of deployments) {
        const live = await liveRelease(client, deployment.name, options.env);
        if (!live) continue;
        const [release, sandbox] = await Promise.all([
          releaseWithSpec(client, live.id),
          must(client.GET("/v1/sandboxes/{id}", { params: { path: { id: deployment.sandbox_id } } }), `Reading ${deployment.name}'s sandbox`),
        ]);
        const kind = deployment.kind;
        const file = path.join(out, `${fileNameOf(deployment.name)}.${kind}.yaml`);
        writeFileSync(file, toYaml({ name: deployment.name, kind, spec: release.spec, scenarios: sandbox.data.scenarios }));
        written.push({ file: path.relative(process.cwd(), file), type: kind, name: deployment.name, release_id: release.id });
      }
      const names = new Set(deployments.map((d) => d.name));
      for (const suite of (await allTestSuites(client)).filter((x) => x.deployment && names.has(x.deployment))) {
        const file = path.join(out, `${fileNameOf(suite.name)}.suite.yaml`);
        const cases = suite.cases.map(({ id: _id, name, ...rest }) => (name === null ? rest : { name, ...rest }));
        writeFileSync(file, toYaml({ name: suite.name, deployment: suite.deployment, description: suite.description, cases }));
        written.push({ file: path.relative(process.cwd(), file), type: "suite", name: suite.name });
      }
      s.out.result({ environment: options.env, out, files: written }, () => {
        s.out.table(
          ["TYPE", "NAME", "FILE"],
          written.map((w) => [w.type, w.name, w.file]),
        );
      });
    });
}
