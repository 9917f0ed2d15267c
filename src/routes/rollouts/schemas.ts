import { z } from "@hono/zod-openapi";
import { idParams, Timestamp } from "../../http/openapi";
import { PromotionRequestSchema, ScheduledReleaseSchema } from "../releases/schemas";

const Percent = z.number().gt(0).max(100);
const Ratio = z.number().positive().max(1000);
const Rate = z.number().min(0).max(1);

export const StickyBySchema = z
  .discriminatedUnion("type", [
    z.strictObject({ type: z.literal("external_id") }),
    z.strictObject({ type: z.literal("metadata"), key: z.string().min(1).max(100) }),
    z.strictObject({
      type: z.literal("header"),
      name: z
        .string()
        .min(1)
        .max(100)
        .regex(/^[A-Za-z0-9-]+$/, "A header name"),
    }),
  ])
  .openapi("StickyBy", { description: "Whose requests always meet the same arm; random per request when a request carries no subject. Default: Vellum's `external_id`" });

export const GuardSchema = z
  .strictObject({
    min_executions: z.number().int().min(0).max(1_000_000).default(50).openapi({ description: "No judgement before each arm has this many executions in the step" }),
    max_error_rate: Rate.optional().openapi({ description: "The candidate's error rate may not exceed this (0–1)" }),
    max_error_rate_increase: Rate.optional().openapi({ description: "…nor the stable release's by more than this (0–1)" }),
    max_p95_latency_ratio: Ratio.optional().openapi({ description: "Candidate p95 latency ÷ stable p95 latency" }),
    max_cost_ratio: Ratio.optional().openapi({ description: "Candidate cost per execution ÷ stable's" }),
    min_quality: Rate.optional().openapi({ description: "The candidate's mean quality (actuals' scores) may not fall below this" }),
    max_quality_drop: Rate.optional().openapi({ description: "…nor below the stable release's by more than this" }),
  })
  .openapi("RolloutGuard");

const StepSchema = z
  .strictObject({
    percent: Percent.openapi({ description: "The candidate's share of traffic in this step" }),
    min_duration_seconds: z
      .number()
      .int()
      .min(0)
      .max(30 * 86_400)
      .optional()
      .openapi({ description: "Default 300" }),
    min_executions: z.number().int().min(0).max(10_000_000).optional().openapi({ description: "Candidate executions the step needs before it passes; default 50" }),
  })
  .openapi("RolloutStep");

export const StartRolloutBody = z
  .strictObject({
    release_id: z
      .string()
      .min(1)
      .max(64)
      .openapi({ description: "The candidate: a release of this deployment in another environment (promoted), or an earlier one of this environment" }),
    mode: z.enum(["canary", "ab", "shadow"]).optional().openapi({
      description:
        "`canary` (default): steps up through `steps`, guarded. `ab`: a fixed split at `percent` until stopped. `shadow`: every request gets the stable release, and `percent` of them also run the candidate after the answer, for comparison",
    }),
    steps: z.array(StepSchema).min(1).max(20).optional().openapi({ description: "Canary only. Default 5 → 25 → 50 → 100" }),
    percent: Percent.optional().openapi({ description: "A/B and shadow only: the candidate's share (default 50 for A/B, 10 for shadow)" }),
    sticky_by: StickyBySchema.nullable().optional(),
    guard: GuardSchema.nullable()
      .optional()
      .openapi({ description: "Thresholds for automatic rollback. Canary default: 50 executions, +5 points of errors, 1.5× p95 latency; `null` for none" }),
    release_tags: z.array(z.string().min(1).max(64)).max(20).optional(),
    description: z.string().max(2000).optional(),
    scheduled_at: Timestamp.optional().openapi({ description: "Start it at this time instead; judged against the policy then" }),
  })
  .superRefine((body, ctx) => {
    const mode = body.mode ?? "canary";
    if (mode !== "canary" && body.steps) ctx.addIssue({ code: "custom", path: ["steps"], message: "Only a canary has steps; give `percent`" });
    if (mode === "canary" && body.percent !== undefined)
      ctx.addIssue({ code: "custom", path: ["percent"], message: "A canary ramps through `steps`; `percent` is for A/B and shadow" });
    if (mode === "shadow" && body.guard) ctx.addIssue({ code: "custom", path: ["guard"], message: "A shadow rollout serves no user the candidate; there is nothing to guard" });
    body.steps?.forEach((step, i) => {
      const previous = body.steps?.[i - 1];
      if (previous && step.percent <= previous.percent)
        ctx.addIssue({ code: "custom", path: ["steps", i, "percent"], message: "Each step's percent must be above the one before" });
    });
  })
  .openapi("StartRollout");

const ArmFiguresSchema = z
  .object({
    executions: z.number().int(),
    errors: z.number().int(),
    error_rate: z.number().nullable(),
    p95_latency_ms: z.number().nullable(),
    cost_per_execution: z.number().nullable(),
    quality: z.number().nullable(),
    quality_count: z.number().int(),
  })
  .openapi("ArmFigures");

export const RolloutSchema = z
  .object({
    id: z.string(),
    deployment_id: z.string(),
    environment: z.string(),
    mode: z.enum(["canary", "ab", "shadow"]),
    status: z.enum(["running", "paused", "completed", "rolled_back", "aborted"]),
    stable_release_id: z.string(),
    candidate_release_id: z.string(),
    restored_release_id: z.string().nullable().openapi({ description: "After a rollback or abort: the release (source `revert`) that brought the stable content back" }),
    percent: z.number(),
    step: z.number().int(),
    steps: z.array(z.object({ percent: z.number(), min_duration_seconds: z.number(), min_executions: z.number() })),
    step_started_at: z.string(),
    sticky_by: z.unknown().nullable(),
    guard: z.unknown().nullable(),
    last_judgement: z
      .object({
        at: z.string(),
        step: z.number().int(),
        decision: z.enum(["advance", "hold", "roll_back", "complete"]),
        reason: z.string(),
        threshold: z.string().nullable(),
        window: z.object({ from: z.string(), to: z.string() }),
        candidate: ArmFiguresSchema,
        stable: ArmFiguresSchema,
      })
      .nullable()
      .openapi({ description: "The guard's latest judgement of a step: the decision, the threshold crossed, both arms' figures and the window" }),
    end_reason: z.string().nullable(),
    created_at: z.string(),
    created_by: z.string(),
    updated_at: z.string(),
    ended_at: z.string().nullable(),
  })
  .openapi("Rollout");

export const StartRolloutResultSchema = z
  .discriminatedUnion("status", [
    z.object({ status: z.literal("started"), rollout: RolloutSchema }),
    z.object({ status: z.literal("pending_approval"), promotion_request: PromotionRequestSchema }),
    z.object({ status: z.literal("scheduled"), scheduled_release: ScheduledReleaseSchema }),
  ])
  .openapi("StartRolloutResult");

export const RolloutParams = idParams("The rollout's id (`rol_…`)");
export const ScheduledReleaseParams = idParams("The scheduled release's id (`sch_…`)");
