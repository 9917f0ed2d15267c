import { CliError, ExitCode } from "./exit-codes";

/**
 * Signing in from GitHub Actions without a stored secret: ask the runner for
 * an OIDC token (the job needs `permissions: id-token: write`) and exchange
 * it at the server's `POST /v1/oidc/token` for a short-lived API key, which
 * the server issues when one of the workspace's trust policies matches the
 * token's repository, ref and workflow.
 */
/** Environment variables, as `process.env` holds them. */
export type Environment = Record<string, string | undefined>;

export interface OidcKey {
  key: string;
  expires_at: string;
}

export interface OidcOptions {
  /** The Stagecraft server's base URL. */
  server: string;
  /** The `aud` the token is requested for; the trust policy must name the same. */
  audience: string;
  env?: Environment;
  fetch?: typeof fetch;
}

/** The audience asked for when no STAGECRAFT_OIDC_AUDIENCE or `oidc.audience` names one; trust policies name the same by default. */
export const DEFAULT_OIDC_AUDIENCE = "stagecraft";

/**
 * Inside GitHub Actions, tells the runner to hide `secret` in every log
 * line from now on. Written to stderr, so `--json` output stays JSON.
 */
export function maskInCi(secret: string, env: Environment = process.env) {
  if (env.GITHUB_ACTIONS === "true") process.stderr.write(`::add-mask::${secret}\n`);
}

/** Whether the environment can request a GitHub OIDC token. */
export function githubOidcAvailable(env: Environment = process.env): boolean {
  return Boolean(env.ACTIONS_ID_TOKEN_REQUEST_URL && env.ACTIONS_ID_TOKEN_REQUEST_TOKEN);
}

async function readJson(res: Response, what: string): Promise<Record<string, unknown>> {
  const text = await res.text();
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch {
    throw new CliError(`${what} answered ${res.status} with a body that is not JSON`, ExitCode.error);
  }
}

/** Requests GitHub's OIDC token for `audience`. */
export async function requestGithubOidcToken(audience: string, env: Environment = process.env, fetchImpl: typeof fetch = fetch): Promise<string> {
  const url = env.ACTIONS_ID_TOKEN_REQUEST_URL;
  const bearer = env.ACTIONS_ID_TOKEN_REQUEST_TOKEN;
  if (!url || !bearer) {
    throw new CliError("--oidc needs ACTIONS_ID_TOKEN_REQUEST_URL and ACTIONS_ID_TOKEN_REQUEST_TOKEN (GitHub Actions with `permissions: id-token: write`)", ExitCode.usage);
  }
  const requestUrl = new URL(url);
  requestUrl.searchParams.set("audience", audience);
  const res = await fetchImpl(requestUrl, { headers: { authorization: `Bearer ${bearer}`, accept: "application/json" } });
  const body = await readJson(res, "GitHub's OIDC token endpoint");
  if (!res.ok || typeof body.value !== "string") throw new CliError(`GitHub's OIDC token endpoint answered ${res.status}`, ExitCode.error);
  return body.value;
}

/** Exchanges an OIDC token for a Stagecraft API key. */
export async function exchangeOidcToken(server: string, token: string, fetchImpl: typeof fetch = fetch): Promise<OidcKey> {
  const res = await fetchImpl(new URL("/v1/oidc/token", server), {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json" },
    body: JSON.stringify({ token }),
  });
  const body = await readJson(res, "POST /v1/oidc/token");
  if (!res.ok) {
    const detail = typeof body.detail === "string" ? body.detail : `status ${res.status}`;
    throw new CliError(`The server refused the OIDC token: ${detail}`, ExitCode.error, body);
  }
  if (typeof body.key !== "string") throw new CliError("POST /v1/oidc/token answered without a key", ExitCode.error, body);
  return { key: body.key, expires_at: String(body.expires_at ?? "") };
}

/** GitHub's OIDC token, exchanged for a Stagecraft key. */
export async function signInWithGithubOidc(options: OidcOptions): Promise<OidcKey> {
  const token = await requestGithubOidcToken(options.audience, options.env, options.fetch);
  const issued = await exchangeOidcToken(options.server, token, options.fetch);
  maskInCi(issued.key, options.env);
  return issued;
}
