import { z } from "@hono/zod-openapi";
import { EnvironmentQuery, Timestamp } from "../../http/openapi";
import { MAX_METRICS_RANGE_DAYS, METRICS_BUCKETS, type MetricsBucket } from "../../metrics/metrics";

const bucketNames = Object.keys(METRICS_BUCKETS) as [MetricsBucket, ...MetricsBucket[]];

export const MetricsQuery = EnvironmentQuery.extend({
  deployment: z.string().max(100).optional().openapi({ description: "Only this deployment (id or name)" }),
  release: z.string().max(64).optional().openapi({ description: "Only this release (id)" }),
  from: Timestamp.optional().openapi({ description: "Start of the range (ISO-8601); default 24 hours before `to`. Rounded down to the hour." }),
  to: Timestamp.optional().openapi({ description: `End of the range (ISO-8601); default now. Rounded up to the hour; at most ${MAX_METRICS_RANGE_DAYS} days after \`from\`.` }),
  bucket: z.enum(bucketNames).default("1h").openapi({ description: "Width of the time buckets, aligned in UTC" }),
  group_by: z.enum(["release"]).optional().openapi({ description: "`release`: add figures per release" }),
});

const Figures = {
  executions: z.number().int(),
  errors: z.number().int().openapi({ description: "Executions that were REJECTED" }),
  error_rate: z.number().nullable().openapi({ description: "errors / executions; null without executions" }),
  latency_ms: z.object({ mean: z.number().nullable(), p50: z.number().nullable(), p95: z.number().nullable(), p99: z.number().nullable() }).openapi({
    description:
      "Over every execution, failed ones included; nulls without executions. The mean is exact. Percentiles are nearest-rank (the ceil(p·n)-th smallest) " +
      "over a histogram: a latency under 1000 ms counts as its value rounded up to a whole millisecond (exact for whole-millisecond latencies), " +
      "a longer one as its value rounded up to three significant digits (1234 → 1240), so at most 1% high.",
  }),
  input_tokens: z.number().int(),
  output_tokens: z.number().int(),
  cost_usd: z.number(),
  quality: z
    .object({ mean: z.number().nullable(), count: z.number().int() })
    .openapi({ description: "Quality scores (0–1) from completion actuals and from evaluations; mean is null without scores" }),
};

export const FiguresSchema = z.object(Figures).openapi("MetricsFigures");

export const MetricsSchema = z
  .object({
    environment: z.string(),
    deployment_id: z.string().nullable().openapi({ description: "The deployment filter, if any" }),
    release_id: z.string().nullable().openapi({ description: "The release filter, if any" }),
    from: Timestamp.openapi({ description: "Start of the range the figures cover: `from` rounded down to the hour" }),
    to: Timestamp.openapi({ description: "End of the range (exclusive): `to` rounded up to the hour" }),
    requested: z.object({ from: Timestamp, to: Timestamp }).openapi({ description: "The range as requested (or defaulted), before rounding" }),
    bucket: z.enum(bucketNames),
    overall: FiguresSchema,
    buckets: z
      .array(z.object({ start: Timestamp, end: Timestamp, ...Figures }))
      .openapi({ description: "Every bucket of the range, oldest first, empty ones included; the first and last are clipped to the range" }),
    releases: z
      .array(z.object({ deployment_id: z.string().nullable(), release_id: z.string().nullable(), ...Figures }))
      .optional()
      .openapi({ description: "With `group_by=release`: figures per release that has data in the range" }),
  })
  .openapi("Metrics");
