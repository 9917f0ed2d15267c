/** Field names whose values are secrets wherever they appear. */
const SECRET_FIELD = /^(key|key_hash|keyHash|token|secret|secrets|password|credential|credentials|value_encrypted)$/i;

export const REDACTED = "[REDACTED]";

/**
 * Deep-copies a JSON value with every secret-named field replaced by
 * `[REDACTED]`. Audit events pass through this before they are hashed and stored.
 */
export function redactSecrets<T>(value: T): T {
  if (Array.isArray(value)) return value.map(redactSecrets) as T;
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, SECRET_FIELD.test(k) ? REDACTED : redactSecrets(v)])) as T;
  }
  return value;
}
