import type { Database } from "../db/client";
import { type EnvironmentRow, listEnvironments } from "../environments/repository";
import { deleteExecutionsBefore } from "../executions/repository";
import { deleteIdempotencyRecordsBefore, IDEMPOTENCY_RETENTION_MS } from "../idempotency/repository";
import { log } from "../lib/log";
import { deleteHistogramBefore, deleteRollupsBefore, rollupHour } from "../metrics/rollup-repository";
import { deleteUsedTokensBefore } from "../oidc/repository";
import { listWorkspaceIds } from "../workspaces/repository";

const DAY_MS = 86_400_000;

/** What the job needs: the database and a clock. */
export interface HousekeepingDeps {
  db: Database;
  now: () => Date;
}

/**
 * Bounds on one run. Every delete statement removes at most `chunk` rows, and
 * a run starts no new statement once it has deleted `maxRows`; the next run
 * (every 15 minutes) carries on, so a large backlog never makes one run
 * unbounded.
 */
export interface HousekeepingLimits {
  chunk: number;
  maxRows: number;
}

export const DEFAULT_HOUSEKEEPING_LIMITS: HousekeepingLimits = { chunk: 1_000, maxRows: 100_000 };

/** What one environment lost to its retention period. */
export interface RetentionOutcome {
  workspace_id: string;
  environment_id: string;
  /** Everything before this instant (the start of an hour) was deleted. */
  cutoff: string;
  executions: number;
  rollups: number;
  histogram_rows: number;
}

export interface HousekeepingReport {
  environments: RetentionOutcome[];
  idempotency_records: number;
  /** Records of exchanged OIDC tokens deleted because the tokens have expired. */
  oidc_used_tokens: number;
  /** False when the run stopped at `maxRows` with rows perhaps still to delete. */
  complete: boolean;
}

/**
 * The start of the hour that is `retentionDays` before `now`. Executions are
 * deleted by `started_at` and rollups by their hour against the same
 * hour-aligned instant, so what remains of both describes the same executions.
 */
export function retentionCutoff(now: Date, retentionDays: number): number {
  return rollupHour(now.getTime() - retentionDays * DAY_MS);
}

/** D1 reports how many rows a statement changed in its result's `meta`. */
function changes(result: unknown): number {
  return (result as { meta?: { changes?: number } }).meta?.changes ?? 0;
}

/**
 * Scheduled housekeeping: enforces each environment's `retention_days`
 * (executions, rollups and latency histograms older than the cutoff; an
 * environment with null retention keeps everything) and forgets idempotency
 * records older than 24 hours and the records of exchanged OIDC tokens that
 * have expired (a replay of one is refused as expired by then). System housekeeping, not a user's change:
 * it writes no audit event, only a structured log line per environment
 * that lost rows and one summary line. Every delete names its workspace.
 *
 * @example
 * // from the Worker's scheduled handler
 * await runHousekeeping({ db: openDatabase(env.DB), now: () => new Date(controller.scheduledTime) });
 */
export async function runHousekeeping(deps: HousekeepingDeps, limits: HousekeepingLimits = DEFAULT_HOUSEKEEPING_LIMITS): Promise<HousekeepingReport> {
  const { db } = deps;
  const now = deps.now();
  const report: HousekeepingReport = { environments: [], idempotency_records: 0, oidc_used_tokens: 0, complete: true };
  let deleted = 0;
  /** Runs one round of deletes, or returns null once the run's budget is spent. */
  const round = async <T extends unknown[] | object>(run: () => Promise<T>): Promise<T | null> => {
    if (deleted >= limits.maxRows) {
      report.complete = false;
      return null;
    }
    const result = await run();
    deleted += (Array.isArray(result) ? (result as unknown[]) : [result]).reduce((n: number, r) => n + changes(r), 0);
    return result;
  };

  const idempotencyCutoff = new Date(now.getTime() - IDEMPOTENCY_RETENTION_MS).toISOString();
  let afterWorkspace: string | undefined;
  for (;;) {
    const page = await listWorkspaceIds(db, afterWorkspace, 100);
    for (const { id: workspaceId } of page) {
      for (;;) {
        const result = await round(() => deleteIdempotencyRecordsBefore(db, workspaceId, idempotencyCutoff, limits.chunk));
        if (result === null) break;
        report.idempotency_records += changes(result);
        if (changes(result) < limits.chunk) break;
      }
      for (;;) {
        const result = await round(() => deleteUsedTokensBefore(db, workspaceId, now.toISOString(), limits.chunk));
        if (result === null) break;
        report.oidc_used_tokens += changes(result);
        if (changes(result) < limits.chunk) break;
      }
      for (const env of await environmentsOf(db, workspaceId)) {
        if (env.retentionDays === null) continue;
        const outcome = await enforceRetention(db, env, env.retentionDays, now, limits, round);
        if (outcome.executions + outcome.rollups + outcome.histogram_rows > 0) {
          report.environments.push(outcome);
          log.info("retention applied", { ...outcome });
        }
      }
    }
    if (page.length < 100 || !report.complete) break;
    afterWorkspace = page.at(-1)!.id;
  }
  log.info("housekeeping finished", {
    environments: report.environments.length,
    executions: report.environments.reduce((n, e) => n + e.executions, 0),
    idempotency_records: report.idempotency_records,
    oidc_used_tokens: report.oidc_used_tokens,
    rows_deleted: deleted,
    complete: report.complete,
  });
  return report;
}

async function environmentsOf(db: Database, workspaceId: string): Promise<EnvironmentRow[]> {
  const all: EnvironmentRow[] = [];
  let after: string | undefined;
  for (;;) {
    const page = await listEnvironments(db, workspaceId, after, 100);
    all.push(...page);
    if (page.length < 100) return all;
    after = page.at(-1)!.id;
  }
}

async function enforceRetention(
  db: Database,
  env: EnvironmentRow,
  retentionDays: number,
  now: Date,
  limits: HousekeepingLimits,
  round: <T extends unknown[] | object>(run: () => Promise<T>) => Promise<T | null>,
): Promise<RetentionOutcome> {
  const cutoff = retentionCutoff(now, retentionDays);
  const outcome: RetentionOutcome = {
    workspace_id: env.workspaceId,
    environment_id: env.id,
    cutoff: new Date(cutoff).toISOString(),
    executions: 0,
    rollups: 0,
    histogram_rows: 0,
  };
  for (;;) {
    // Raw rows and rollups go in the same batch, so between runs neither is far ahead of the other.
    const results = await round(() =>
      db.batch([
        deleteExecutionsBefore(db, env.workspaceId, env.id, cutoff, limits.chunk),
        deleteRollupsBefore(db, env.workspaceId, env.id, cutoff, limits.chunk),
        deleteHistogramBefore(db, env.workspaceId, env.id, cutoff, limits.chunk),
      ]),
    );
    if (results === null) return outcome;
    const [executions, rollups, histogram] = results.map(changes) as [number, number, number];
    outcome.executions += executions;
    outcome.rollups += rollups;
    outcome.histogram_rows += histogram;
    if (executions < limits.chunk && rollups < limits.chunk && histogram < limits.chunk) return outcome;
  }
}
