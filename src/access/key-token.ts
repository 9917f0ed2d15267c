import { BASE62_PATTERN, base62, randomBytes, sha256Hex } from "../lib/crypto";

/**
 * API key format: `sc_ws_` (workspace key) or `sc_env_` (environment key),
 * 32 base62 characters of randomness (190 bits), then a 6-character checksum.
 *
 * The checksum lets a mistyped or truncated key be refused before any lookup,
 * and lets secret scanners recognise a leaked key by its shape alone.
 *
 * @example
 * const { token } = await generateApiKeyToken("environment");
 * // token: "sc_env_4Qx…" ; await parseApiKeyToken(token) → { kind: "environment" }
 */
export type ApiKeyKind = "workspace" | "environment";

const PREFIX: Record<ApiKeyKind, string> = { workspace: "sc_ws_", environment: "sc_env_" };
const BODY_LENGTH = 32;
const CHECKSUM_LENGTH = 6;
const TOKEN_PATTERN = new RegExp(`^(sc_ws_|sc_env_)(${BASE62_PATTERN}{${BODY_LENGTH}})(${BASE62_PATTERN}{${CHECKSUM_LENGTH}})$`);
/** Characters of a key kept for display: the prefix plus the first few of the body. */
const DISPLAY_BODY_LENGTH = 6;

async function checksum(prefixAndBody: string): Promise<string> {
  const hex = await sha256Hex(prefixAndBody);
  const bytes = new Uint8Array(4);
  for (let i = 0; i < 4; i++) bytes[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return base62(bytes, CHECKSUM_LENGTH);
}

export async function generateApiKeyToken(kind: ApiKeyKind): Promise<{ token: string; displayPrefix: string }> {
  const prefixAndBody = PREFIX[kind] + base62(randomBytes(24), BODY_LENGTH).slice(-BODY_LENGTH);
  const token = prefixAndBody + (await checksum(prefixAndBody));
  return { token, displayPrefix: token.slice(0, PREFIX[kind].length + DISPLAY_BODY_LENGTH) };
}

/** Returns the key's kind when its shape and checksum are right, or null. Does no lookup. */
export async function parseApiKeyToken(token: string): Promise<{ kind: ApiKeyKind } | null> {
  const match = TOKEN_PATTERN.exec(token);
  if (!match) return null;
  const [, prefix, body, sum] = match as unknown as [string, string, string, string];
  if ((await checksum(prefix + body)) !== sum) return null;
  return { kind: prefix === PREFIX.workspace ? "workspace" : "environment" };
}
