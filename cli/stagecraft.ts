import { Command, CommanderError, Option } from "commander";
import packageJson from "../package.json";
import { registerDeploy } from "./commands/deploy";
import { registerDiff } from "./commands/diff";
import { registerKeys } from "./commands/keys";
import { registerPromote } from "./commands/promote";
import { registerPull } from "./commands/pull";
import { registerPush } from "./commands/push";
import { registerRevert } from "./commands/revert";
import { registerStatus } from "./commands/status";
import { registerTest } from "./commands/test-suite";
import { registerValidate } from "./commands/validate";
import { CliError, ExitCode } from "./exit-codes";
import { type GlobalOptions, Session } from "./session";

/**
 * The `stagecraft` command: prompts and workflows as code, against the public
 * API. Exit codes: 0 ok, 1 error, 2 usage or validation, 3 refused by a gate,
 * 4 waiting for approval, 5 drift, 6 test suite failed (cli/exit-codes.ts).
 */
export function buildProgram(): Command {
  const program = new Command("stagecraft")
    .description("Prompts and workflows as code: validate, push, deploy, test, promote and revert them on a Stagecraft server")
    .version(packageJson.version)
    .option("--json", "print one JSON document on stdout (for machines)")
    .option("--server <url>", "the Stagecraft server (default: STAGECRAFT_URL, then `server` in stagecraft.yaml)")
    .addOption(new Option("--oidc", "sign in with GitHub Actions' OIDC token instead of STAGECRAFT_API_KEY"))
    .showHelpAfterError()
    .exitOverride();
  let session: Session | undefined;
  const current = () => {
    session ??= new Session(program.opts<GlobalOptions>());
    return session;
  };
  for (const register of [registerValidate, registerPush, registerDeploy, registerTest, registerPromote, registerRevert, registerStatus, registerDiff, registerPull, registerKeys])
    register(program, current);
  const exitOverride = (command: Command) => {
    command.exitOverride();
    command.commands.forEach(exitOverride);
  };
  exitOverride(program);
  return program;
}

function report(error: unknown, json: boolean): number {
  if (error instanceof CommanderError) {
    if (error.exitCode === 0) return ExitCode.ok;
    return ExitCode.usage;
  }
  if (error instanceof CliError) {
    if (json) process.stdout.write(`${JSON.stringify({ error: { message: error.message, exit_code: error.exitCode, details: error.details ?? null } }, null, 2)}\n`);
    else process.stderr.write(`stagecraft: ${error.message}\n`);
    return error.exitCode;
  }
  process.stderr.write(`stagecraft: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  return ExitCode.error;
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === "number" ? process.exitCode : ExitCode.ok;
  } catch (error) {
    return report(error, argv.includes("--json"));
  }
}

process.exitCode = await main(process.argv);
