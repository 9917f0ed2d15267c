import type { Config } from "../config";

const LOOPBACK = /^(localhost|.+\.localhost|127(\.\d{1,3}){3}|\[::1\]|\[::ffff:127(\.\d{1,3}){3}\]|0\.0\.0\.0)$/i;

/**
 * Whether an issuer (or the JWKS URL its discovery document names) may be
 * trusted in this stage: https always; plain http or a loopback host only
 * outside production, for a local issuer in development and tests.
 * Credentials, queries and fragments are never part of an issuer.
 */
export function issuerUrlProblem(url: string, stage: Config["stage"]): string | null {
  const parsed = URL.parse(url);
  if (!parsed) return "Must be an absolute URL";
  if (parsed.protocol !== "https:" && parsed.protocol !== "http:") return "Must be an https URL";
  if (parsed.username !== "" || parsed.password !== "" || parsed.search !== "" || parsed.hash !== "") return "Must not carry credentials, a query or a fragment";
  if (stage === "production" && (parsed.protocol !== "https:" || LOOPBACK.test(parsed.hostname))) return "Must be an https URL of a public host in production";
  return null;
}
