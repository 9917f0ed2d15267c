import createClient, { type Client } from "openapi-fetch";
import type { components, paths } from "./api-types";
import { CliError, ExitCode } from "./exit-codes";

/** The typed client of the public API, generated from /openapi.json (cli/api-types.ts). */
export type ApiClient = Client<paths>;
export type Schemas = components["schemas"];
export type Problem = Schemas["Problem"];

export function createApiClient(server: string, key: string, fetchImpl: typeof fetch = fetch): ApiClient {
  const client = createClient<paths>({ baseUrl: server.replace(/\/+$/, ""), fetch: fetchImpl });
  client.use({
    onRequest({ request }) {
      request.headers.set("authorization", `Bearer ${key}`);
      request.headers.set("user-agent", "stagecraft-cli");
      return request;
    },
  });
  return client;
}

/** Policy refusals: the request was fine, the environment's rules said no. */
const GATE_CODES = new Set(["TEST_GATE_FAILED", "CHANGE_FREEZE", "ENVIRONMENT_PROTECTED"]);

function exitCodeFor(status: number, code: string | undefined): ExitCode {
  if (code && GATE_CODES.has(code)) return ExitCode.gateRefused;
  if (status === 400 || status === 422 || code === "VALIDATION_FAILED" || code === "SPEC_INVALID") return ExitCode.usage;
  return ExitCode.error;
}

function isProblem(value: unknown): value is Problem {
  return typeof value === "object" && value !== null && "status" in value && "code" in value;
}

/** A problem+json answer as the CLI's error: the detail, each field named, and the exit code its kind maps to. */
export function problemError(what: string, status: number, body: unknown): CliError {
  if (!isProblem(body)) return new CliError(`${what}: the server answered ${status}`, ExitCode.error, body);
  const fields = (body.errors ?? []).map((e) => `\n  ${e.path}: ${e.message}`).join("");
  return new CliError(`${what}: ${body.detail ?? body.title} (${status} ${body.code})${fields}`, exitCodeFor(status, body.code), body);
}

/**
 * Awaits a request of the typed client: its data, or the problem thrown as a
 * CliError. A server that cannot be reached is an error too.
 */
export async function must<D>(request: Promise<{ data?: D; error?: unknown; response: Response }>, what: string): Promise<{ data: D; status: number }> {
  let result: { data?: D; error?: unknown; response: Response };
  try {
    result = await request;
  } catch (error) {
    const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : "";
    throw new CliError(`${what}: cannot reach the server${cause}`, ExitCode.error);
  }
  if (result.error !== undefined || result.data === undefined) throw problemError(what, result.response.status, result.error);
  return { data: result.data, status: result.response.status };
}

/** Every item of a cursor-paginated list. */
export async function listAll<T>(page: (cursor: string | undefined) => Promise<{ data: T[]; next_cursor: string | null }>): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | undefined;
  do {
    const next = await page(cursor);
    items.push(...next.data);
    cursor = next.next_cursor ?? undefined;
  } while (cursor);
  return items;
}

export type Sandbox = Schemas["Sandbox"];
export type TestSuite = Schemas["TestSuite"];
export type Release = Schemas["Release"];

export async function allSandboxes(client: ApiClient): Promise<Sandbox[]> {
  return listAll(async (cursor) => (await must(client.GET("/v1/sandboxes", { params: { query: { limit: 100, cursor } } }), "Listing sandboxes")).data);
}

export async function allTestSuites(client: ApiClient): Promise<TestSuite[]> {
  return listAll(async (cursor) => (await must(client.GET("/v1/test-suites", { params: { query: { limit: 100, cursor } } }), "Listing test suites")).data);
}

/** The release `environment` serves now (its newest), or null when the deployment has none there or does not exist. */
export async function liveRelease(client: ApiClient, deployment: string, environment: string): Promise<Release | null> {
  const res = await client.GET("/v1/deployments/{id}/releases", { params: { path: { id: deployment }, query: { environment, limit: 1 } } });
  if (res.response.status === 404) return null;
  const { data } = await must(Promise.resolve(res), `Reading ${deployment}'s releases in ${environment}`);
  return data.data[0] ?? null;
}

/** A release with its spec. */
export async function releaseWithSpec(client: ApiClient, id: string): Promise<Release> {
  return (await must(client.GET("/v1/releases/{id}", { params: { path: { id } } }), `Reading release ${id}`)).data;
}
