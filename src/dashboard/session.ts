import { jwtVerify, SignJWT } from "jose";
import type { Config } from "../config";
import { base62, randomBytes } from "../lib/crypto";

/** How long a dashboard session lasts; the key is still checked on every request. */
export const SESSION_SECONDS = 8 * 60 * 60;
export const SESSION_COOKIE = "stagecraft_session";

/** What the session cookie carries: the key's hash (never the key), a session id and the key's name for the header. */
export interface Session {
  keyHash: string;
  sessionId: string;
  keyName: string;
}

const encoder = new TextEncoder();
const keys = new WeakMap<Config, Promise<Uint8Array>>();

/** The HS256 key of session cookies and CSRF tokens: SHA-256 of a label and MASTER_KEY, so it is never the key that encrypts secrets. */
function sessionKey(config: Config): Promise<Uint8Array> {
  let key = keys.get(config);
  if (!key) {
    key = crypto.subtle.digest("SHA-256", encoder.encode(`stagecraft dashboard session v1\n${config.masterKey}`)).then((d) => new Uint8Array(d));
    keys.set(config, key);
  }
  return key;
}

export async function signSession(config: Config, now: Date, keyHash: string, keyName: string): Promise<{ token: string; session: Session }> {
  const session: Session = { keyHash, keyName, sessionId: base62(randomBytes(16), 22) };
  const iat = Math.floor(now.getTime() / 1000);
  const token = await new SignJWT({ kn: keyName, sid: session.sessionId })
    .setProtectedHeader({ alg: "HS256" })
    .setSubject(keyHash)
    .setIssuedAt(iat)
    .setExpirationTime(iat + SESSION_SECONDS)
    .sign(await sessionKey(config));
  return { token, session };
}

/** The session a cookie holds, or null when it is missing, forged, altered or expired. */
export async function readSession(config: Config, now: Date, token: string | undefined): Promise<Session | null> {
  if (!token) return null;
  try {
    const { payload } = await jwtVerify(token, await sessionKey(config), { algorithms: ["HS256"], currentDate: now });
    if (typeof payload.sub !== "string" || typeof payload.sid !== "string" || typeof payload.kn !== "string") return null;
    return { keyHash: payload.sub, sessionId: payload.sid, keyName: payload.kn };
  } catch {
    return null;
  }
}

/** The session's CSRF token: an HMAC of its id, embedded in every form and checked on every POST. */
export async function csrfToken(config: Config, session: Session): Promise<string> {
  const key = await crypto.subtle.importKey("raw", await sessionKey(config), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const mac = await crypto.subtle.sign("HMAC", key, encoder.encode(`csrf\n${session.sessionId}`));
  return base62(new Uint8Array(mac), 43);
}
