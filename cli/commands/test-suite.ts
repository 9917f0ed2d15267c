import type { Command } from "commander";
import { allTestSuites, liveRelease, must } from "../api-client";
import { CliError, ExitCode } from "../exit-codes";
import type { Session } from "../session";

/**
 * `stagecraft test <suite> --env staging | --release <id>`: runs the suite on a
 * release (by default what the environment serves of the suite's deployment)
 * and exits 6 when its pass rate is below --min-pass-rate (default 1).
 */
export function registerTest(program: Command, session: () => Session) {
  program
    .command("test")
    .description("Run a test suite on the live release of an environment, or on a release (exit 6 when it fails)")
    .argument("<suite>", "the suite's name (or id)")
    .option("--env <environment>", "test what this environment serves of the suite's deployment")
    .option("--release <id>", "test this release")
    .option("--min-pass-rate <rate>", "the pass rate needed, 0 to 1 (default 1)", Number.parseFloat, 1)
    .action(async (name: string, options: { env?: string; release?: string; minPassRate: number }) => {
      const s = session();
      if (Boolean(options.env) === Boolean(options.release)) throw new CliError("Give exactly one of --env and --release", ExitCode.usage);
      if (!(options.minPassRate >= 0 && options.minPassRate <= 1)) throw new CliError("--min-pass-rate is a number from 0 to 1", ExitCode.usage);
      const client = await s.client();
      const suite = (await allTestSuites(client)).find((x) => x.name === name || x.id === name);
      if (!suite) throw new CliError(`No test suite named "${name}" on the server: run \`stagecraft push\``, ExitCode.error);
      let releaseId = options.release;
      if (options.env) {
        if (!suite.deployment) throw new CliError(`Suite "${suite.name}" has no deployment; use --release`, ExitCode.usage);
        const release = await liveRelease(client, suite.deployment, options.env);
        if (!release) throw new CliError(`${suite.deployment} has no release in ${options.env}`, ExitCode.error);
        releaseId = release.id;
      }
      s.out.progress(`Running ${suite.cases.length} case(s) of "${suite.name}" on ${releaseId}…`);
      const { data: run } = await must(client.POST("/v1/test-suites/{id}/runs", { params: { path: { id: suite.id } }, body: { release_id: releaseId } }), `Running ${suite.name}`);
      const passed = run.pass_rate === null || run.pass_rate >= options.minPassRate;
      s.out.result({ passed, min_pass_rate: options.minPassRate, run }, () => {
        s.out.table(
          ["CASE", "RESULT", "DETAIL"],
          run.results.map((r) => [
            r.name ?? r.case_id,
            r.passed ? "pass" : "FAIL",
            r.error ??
              r.assertions
                .filter((a) => !a.passed)
                .map((a) => a.message)
                .join("; "),
          ]),
        );
        s.out.line(
          `${run.passed_cases}/${run.total_cases} passed (${run.pass_rate === null ? "no cases" : `${Math.round(run.pass_rate * 100)}%`}); run ${run.id} on ${run.environment} release ${run.release_id}`,
        );
      });
      if (!passed) process.exitCode = ExitCode.testFailed;
    });
}
