import type { Deps, Principal } from "../../context";
import { type EnvironmentView, getEnvironment } from "../../environments/environments";
import { type executionView, getExecution, listExecutionsFor } from "../../executions/executions";
import { fail, ok, type Result } from "../../lib/result";
import { findDeployment } from "../../releases/deployment-repository";
import { readOverview } from "../../releases/overview";
import { findReadableRelease } from "../../releases/read-releases";
import { type ReleaseCatalog, readReleaseCatalog } from "./release-catalog";

export type ExecutionView = ReturnType<typeof executionView>;

/** Executions per page of the list. */
export const PAGE_SIZE = 25;

/** The filters of the executions list, exactly those GET /v1/executions takes, as the page's form sends them. */
export interface ExecutionFilters {
  deployment: string;
  release_id: string;
  status: "" | "FULFILLED" | "REJECTED";
  /** Dates (YYYY-MM-DD, UTC): from the start of `from` to the end of `to`. */
  from: string;
  to: string;
}

export const NO_FILTERS: ExecutionFilters = { deployment: "", release_id: "", status: "", from: "", to: "" };

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const validDate = (value: string) => DATE.test(value) && !Number.isNaN(Date.parse(`${value}T00:00:00Z`));

/** The filters a query string gives; an unusable value is reported, never guessed at. */
export function readFilters(query: (name: string) => string | undefined): Result<ExecutionFilters> {
  const text = (name: string) => (query(name) ?? "").trim().slice(0, 100);
  const status = text("status");
  const filters = { deployment: text("deployment"), release_id: text("release_id"), status: status as ExecutionFilters["status"], from: text("from"), to: text("to") };
  if (status !== "" && status !== "FULFILLED" && status !== "REJECTED") return fail("VALIDATION_FAILED", "Status must be Succeeded or Failed.");
  for (const name of ["from", "to"] as const) {
    if (filters[name] !== "" && !validDate(filters[name])) return fail("VALIDATION_FAILED", `The ${name === "from" ? "From" : "To"} date must be a date (YYYY-MM-DD).`);
  }
  return ok(filters);
}

/** The query string of a list with these filters (empty ones left out), and a cursor. */
export function filterQuery(filters: ExecutionFilters, cursor?: string): string {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(filters)) if (value !== "") query.set(name, value);
  if (cursor) query.set("cursor", cursor);
  const text = query.toString();
  return text === "" ? "" : `?${text}`;
}

export interface ExecutionsList {
  environment: EnvironmentView;
  catalog: ReleaseCatalog;
  /** The page of executions, or the problem the filters met (shown above the form). */
  page: Result<{ data: ExecutionView[]; next_cursor: string | null }>;
}

/**
 * A page of one environment's executions through the same function as GET
 * /v1/executions. NOT_FOUND when the environment is not readable; a problem
 * with the filters comes back inside `page`.
 */
export async function readExecutionsList(deps: Deps, principal: Principal, name: string, filters: ExecutionFilters, cursor: string | undefined): Promise<Result<ExecutionsList>> {
  const environment = await getEnvironment(deps, principal, name);
  if (!environment.ok) return environment;
  const catalog = await readReleaseCatalog(deps, principal, environment.value);
  if (!catalog.ok) return catalog;
  const page = await listExecutionsFor(deps, principal, {
    environment: name,
    deployment: filters.deployment || undefined,
    release_id: filters.release_id || undefined,
    status: filters.status || undefined,
    from: filters.from ? `${filters.from}T00:00:00.000Z` : undefined,
    to: filters.to ? `${filters.to}T23:59:59.999Z` : undefined,
    cursor,
    limit: PAGE_SIZE,
  });
  return ok({ environment: environment.value, catalog: catalog.value, page });
}

export interface ExecutionDetail {
  execution: ExecutionView;
  deploymentName: string | null;
  release: { id: string; version: number } | null;
}

const EXECUTION_ID = /^exe_[0-9a-z]+$/;

/**
 * An execution the principal may read, wherever it ran: an environment key
 * looks in its own environment, a workspace key in each it may read (they
 * are few). NOT_FOUND for anything else, as GET /v1/executions/{id} answers.
 */
export async function readExecutionDetail(deps: Deps, principal: Principal, id: string): Promise<Result<ExecutionDetail>> {
  const notFound = fail("NOT_FOUND", `No execution "${id}"`);
  if (!EXECUTION_ID.test(id)) return notFound;
  const names = principal.environment ? [principal.environment.name] : (await readOverview(deps, principal)).environments.map((e) => e.name);
  const found = (await Promise.all(names.map((name) => getExecution(deps, principal, id, name)))).find((r) => r.ok);
  if (!found?.ok) return notFound;
  const execution = found.value;
  const [deployment, release] = await Promise.all([
    execution.deployment_id ? findDeployment(deps.db, principal.workspaceId, execution.deployment_id) : null,
    execution.release_id ? findReadableRelease(deps, principal, execution.release_id) : null,
  ]);
  return ok({
    execution,
    deploymentName: deployment?.name ?? null,
    release: release?.ok ? { id: release.value.id, version: release.value.version } : null,
  });
}
