import { redactSecrets } from "./redact";

type Level = "info" | "warn" | "error";

/** What a line carries besides its level and message; `level` and `message` are the logger's own. */
export type LogFields = Record<string, unknown> & { level?: never; message?: never };

function write(level: Level, message: string, fields: LogFields | undefined) {
  const line: Record<string, unknown> = { level, message };
  for (const name in fields) {
    const value = fields[name];
    // A thrown value as text (an Error's name and message), never its stack
    // or other properties, where a request's details and secrets could ride.
    line[name] = name === "error" || value instanceof Error ? String(value) : value;
  }
  // Secret-named fields are blanked too, so a careless field cannot put a secret in the logs.
  const text = JSON.stringify(redactSecrets(line));
  if (level === "error") console.error(text);
  else if (level === "warn") console.warn(text);
  else console.log(text);
}

/**
 * One JSON line per event, with `level`, `message` and the given fields. An
 * `error` field, whatever was thrown, is written as a string.
 *
 * @example
 * log.warn("KV propagation failed; will retry", { deployment_id: id, error });
 * // {"level":"warn","message":"KV propagation failed; will retry","deployment_id":"dep_…","error":"Error: …"}
 */
export const log = {
  info: (message: string, fields?: LogFields) => write("info", message, fields),
  warn: (message: string, fields?: LogFields) => write("warn", message, fields),
  error: (message: string, fields?: LogFields) => write("error", message, fields),
};
