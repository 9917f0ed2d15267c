import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { openDatabase } from "../../src/db/client";
import { latencyBucket, percentiles } from "../../src/metrics/latency-buckets";
import { addQualitySamples, histogramBySlot, sumRollups } from "../../src/metrics/rollup-repository";
import { createWorkspace } from "../harness";
import { at, deliver, executionRecord, metrics } from "./seed";

describe("latency buckets", () => {
  it("round up to a whole millisecond below a second, to three significant digits above", () => {
    expect([0, 0.4, 1, 12.2, 999, 999.5, 1000, 1000.5, 1234, 9999.5, 10_001, 123_456].map(latencyBucket)).toEqual([
      0, 1, 1, 13, 999, 1000, 1000, 1010, 1240, 10_000, 10_100, 124_000,
    ]);
  });

  it("percentiles are nearest-rank: the ceil(p·n)-th smallest", () => {
    const histogram = new Map([
      [10, 1],
      [20, 1],
      [30, 1],
      [40, 1],
    ]);
    expect(percentiles(histogram, [1, 25, 26, 50, 51, 75, 95, 100])).toEqual([10, 10, 20, 20, 30, 30, 40, 40]);
    // 20 values: p95 is the 19th exactly, not the 20th through a rounding error.
    expect(
      percentiles(
        new Map([
          [5, 19],
          [7, 1],
        ]),
        [95, 96],
      ),
    ).toEqual([5, 7]);
    expect(percentiles(new Map(), [50])).toEqual([null]);
  });

  it("the insert trigger buckets exactly as latencyBucket does", async () => {
    const ws = await createWorkspace();
    const staging = ws.environments.staging!.id;
    const latencies = [0, 0.4, 1, 1.0001, 12.2, 999, 999.0001, 999.5, 1000, 1000.5, 1001, 1234, 9999, 9999.5, 10_000, 10_001, 123_456, 1_234_567, 12_345_678, 123_456_789];
    await deliver(
      latencies.map((latency_ms, i) => executionRecord({ workspace_id: ws.id, environment_id: staging, started_at: at("2026-05-01T00:00:00Z") + i * 3_600_000, latency_ms })),
    );
    const { results } = await env.DB.prepare("SELECT bucket_start, latency_bucket, count FROM latency_histogram WHERE environment_id = ? ORDER BY bucket_start")
      .bind(staging)
      .all();
    expect(results).toEqual(latencies.map((latency, i) => ({ bucket_start: at("2026-05-01T00:00:00Z") + i * 3_600_000, latency_bucket: latencyBucket(latency), count: 1 })));
  });
});

describe("rollups", () => {
  it("metrics read the rollups through their (workspace, environment, hour) index, never scanning", async () => {
    const db = openDatabase(env.DB);
    const filter = { workspaceId: "ws_x", environmentId: "env_x", from: 0, to: 3_600_000, deploymentId: "dep_x" };
    for (const query of [sumRollups(db, filter, 3_600_000), histogramBySlot(db, filter, 21_600_000)]) {
      const { sql, params } = query.toSQL();
      const plan = await env.DB.prepare(`EXPLAIN QUERY PLAN ${sql}`)
        .bind(...(params as unknown[]))
        .all<{ detail: string }>();
      const details = plan.results.map((r) => r.detail).join("\n");
      expect(details).toMatch(
        /SEARCH (execution_rollups|latency_histogram) USING INDEX (execution_rollups|latency_histogram)_workspace_environment_time \(workspace_id=\? AND environment_id=\? AND bucket_start>\? AND bucket_start<\?\)/,
      );
      expect(details).not.toMatch(/SCAN (execution_rollups|latency_histogram)\b(?! USING)/);
      expect(details).not.toContain("executions");
    }
  });

  it("evaluation samples must be scores: a count of at least one and a sum between 0 and the count", () => {
    const db = openDatabase(env.DB);
    const base = { workspaceId: "ws_x", environmentId: "env_x", deploymentId: "dep_x", releaseId: "rel_x", at: 0 };
    for (const [sum, count] of [
      [0, 0],
      [2, 1],
      [-0.5, 1],
      [Number.NaN, 1],
      [0.5, 1.5],
    ] as const) {
      expect(() => addQualitySamples(db, { ...base, sum, count })).toThrow(/quality samples/);
    }
    expect(() => addQualitySamples(db, { ...base, sum: 1, count: 1 })).not.toThrow();
  });

  it("a month of executions answers in one call with every hour accounted for", async () => {
    const ws = await createWorkspace();
    const key = (await ws.key({ environment: "staging", scopes: ["read"] })).key;
    const staging = ws.environments.staging!.id;
    const start = at("2026-01-01T00:00:00Z");
    // Two executions an hour for 31 days: 1,488, one in ten failed, latencies 1..744 ms.
    const records = Array.from({ length: 31 * 24 * 2 }, (_, i) =>
      executionRecord({
        workspace_id: ws.id,
        environment_id: staging,
        started_at: start + Math.floor(i / 2) * 3_600_000 + (i % 2) * 1_800_000,
        latency_ms: Math.floor(i / 2) + 1,
        input_tokens: 2,
        output_tokens: 3,
        cost_usd: 0.5,
        ...(i % 10 === 0 ? { status: "REJECTED" as const } : {}),
      }),
    );
    await deliver(records);
    const hourly = await metrics(key, { from: "2026-01-01T00:00:00Z", to: "2026-02-01T00:00:00Z" });
    expect(hourly.status).toBe(200);
    expect(hourly.body.buckets).toHaveLength(744);
    expect(hourly.body.buckets.every((b: { executions: number }) => b.executions === 2)).toBe(true);
    // Each latency 1..744 twice: the 744th smallest of 1,488 is 372; the 1,414th (ceil(0.95·1488)) is 707; the 1,474th is 737.
    expect(hourly.body.overall).toEqual({
      executions: 1488,
      errors: 149,
      error_rate: 149 / 1488,
      latency_ms: { mean: 372.5, p50: 372, p95: 707, p99: 737 },
      input_tokens: 2976,
      output_tokens: 4464,
      cost_usd: 744,
      quality: { mean: null, count: 0 },
    });
    const daily = await metrics(key, { from: "2026-01-01T00:00:00Z", to: "2026-02-01T00:00:00Z", bucket: "1d" });
    expect(daily.body.buckets).toHaveLength(31);
    expect(daily.body.buckets[30]).toMatchObject({ start: "2026-01-31T00:00:00.000Z", end: "2026-02-01T00:00:00.000Z", executions: 48 });
    expect(daily.body.overall).toEqual(hourly.body.overall);
  });
});
