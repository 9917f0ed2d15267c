/**
 * The exit codes CI can branch on. Documented in cli/README.md; never renumber one.
 */
export const ExitCode = {
  ok: 0,
  /** Anything unexpected: the server is unreachable, a request failed, a name is unknown. */
  error: 1,
  /** The command line or a file is not valid (nothing was sent), or the server refused the input. */
  usage: 2,
  /** A policy refused the change: test gate, change freeze, protected environment. */
  gateRefused: 3,
  /** The promotion waits for approvals (not approved before --timeout with --wait). */
  pendingApproval: 4,
  /** The repository and an environment differ (status, diff --exit-code). */
  drift: 5,
  /** A test suite's pass rate is below the minimum. */
  testFailed: 6,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** A failure the CLI reports as one message and exit code; `details` goes to --json output. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode,
    readonly details?: unknown,
  ) {
    super(message);
  }
}
