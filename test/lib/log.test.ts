import { afterEach, describe, expect, it, vi } from "vitest";
import { log } from "../../src/lib/log";

afterEach(() => {
  vi.restoreAllMocks();
});

describe("log", () => {
  it("writes one JSON line with level, message and fields, at the console level that matches", () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    log.warn("KV propagation failed; will retry", { deployment_id: "dep_1", count: 2 });
    expect(warn).toHaveBeenCalledTimes(1);
    expect(JSON.parse(warn.mock.calls[0]![0] as string)).toEqual({ level: "warn", message: "KV propagation failed; will retry", deployment_id: "dep_1", count: 2 });
  });

  it("writes a thrown value as its message, without its stack", () => {
    const error = vi.spyOn(console, "error").mockImplementation(() => undefined);
    log.error("could not enqueue", { error: new TypeError("queue closed") });
    log.error("could not enqueue", { error: "plain text" });
    const lines = error.mock.calls.map((call) => JSON.parse(call[0] as string));
    expect(lines[0]).toEqual({ level: "error", message: "could not enqueue", error: "TypeError: queue closed" });
    expect(lines[1]).toEqual({ level: "error", message: "could not enqueue", error: "plain text" });
  });

  it("never writes a secret-named field", () => {
    const info = vi.spyOn(console, "log").mockImplementation(() => undefined);
    log.info("key used", { key_id: "key_1", token: "sc_live_secret", detail: { secret: "s3cret" } });
    const line = info.mock.calls[0]![0] as string;
    expect(line).not.toContain("sc_live_secret");
    expect(line).not.toContain("s3cret");
    expect(JSON.parse(line)).toMatchObject({ key_id: "key_1", token: "[REDACTED]", detail: { secret: "[REDACTED]" } });
  });
});
