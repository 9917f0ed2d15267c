import { z } from "@hono/zod-openapi";
import { Timestamp } from "../../http/openapi";

export const EnvironmentName = z
  .string()
  .regex(/^[a-z][a-z0-9-]{0,62}$/, "A lowercase slug: a letter, then letters, digits or hyphens (at most 63)")
  .openapi({ example: "staging" });

const Variables = z
  .record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/, "Variable names are identifiers"), z.string().max(4096))
  .refine((vars) => Object.keys(vars).length <= 100, "At most 100 variables")
  .openapi({ example: { support_email: "help@example.com" } });

const ModelPrices = z
  .record(z.string().min(1).max(200), z.strictObject({ input_per_million: z.number().min(0).max(10_000), output_per_million: z.number().min(0).max(10_000) }))
  .refine((prices) => Object.keys(prices).length <= 100, "At most 100 models")
  .openapi({
    description: "USD per million tokens by model (`provider/name` or `name`), overriding the built-in table",
    example: { "openai/gpt-4o-mini": { input_per_million: 0.15, output_per_million: 0.6 } },
  });

const FreezeWindow = z
  .strictObject({
    starts_at: Timestamp,
    ends_at: Timestamp,
    reason: z.string().max(500).default(""),
  })
  .refine((w) => Date.parse(w.starts_at) < Date.parse(w.ends_at), { message: "ends_at must be after starts_at", path: ["ends_at"] })
  .openapi("FreezeWindow", { example: { starts_at: "2026-12-24T00:00:00Z", ends_at: "2026-12-27T00:00:00Z", reason: "Holidays" } });

const settings = {
  label: z.string().min(1).max(100),
  description: z.string().max(1000),
  protected: z.boolean().openapi({ description: "A protected environment takes releases by promotion only" }),
  required_approvals: z.number().int().min(0).max(10).openapi({ description: "Approvals a promotion into this environment needs" }),
  variables: Variables.openapi({ description: "Plain values available to templates as env.NAME; not secret" }),
  model_prices: ModelPrices,
  required_test_suite: z
    .string()
    .max(64)
    .nullable()
    .openapi({ description: "Id of a test suite whose newest completed run on the release being promoted must reach `min_pass_rate`; null: no test gate" }),
  min_pass_rate: z.number().min(0).max(1).nullable().openapi({ description: "Share of the suite's cases that must pass, 0 to 1 (default 1 when a suite is required)" }),
  freeze_windows: z
    .array(FreezeWindow)
    .max(50)
    .openapi({ description: "While one is in force, no deploy, promotion or tag move lands here (reverts still do); replaces the whole list" }),
  retention_days: z
    .number()
    .int()
    .min(1)
    .max(3650)
    .nullable()
    .openapi({ description: "Days executions and their metrics are kept (a scheduled job deletes older ones); null keeps them forever. Default 90." }),
};

export const CreateEnvironmentBody = z
  .strictObject({
    name: EnvironmentName,
    label: settings.label.optional(),
    description: settings.description.optional(),
    protected: settings.protected.optional(),
    required_approvals: settings.required_approvals.optional(),
    variables: settings.variables.optional(),
    model_prices: settings.model_prices.optional(),
    required_test_suite: settings.required_test_suite.optional(),
    min_pass_rate: settings.min_pass_rate.optional(),
    freeze_windows: settings.freeze_windows.optional(),
    retention_days: settings.retention_days.optional(),
  })
  .openapi("CreateEnvironment");

/** Every setting but the name, which never changes. */
export const UpdateEnvironmentBody = CreateEnvironmentBody.omit({ name: true }).openapi("UpdateEnvironment");

export const EnvironmentSchema = z
  .object({
    id: z.string().openapi({ example: "env_01jdz8k2m3n4p5q6r7s8t9v0w1" }),
    name: EnvironmentName,
    label: z.string(),
    description: z.string(),
    protected: z.boolean(),
    required_approvals: z.number().int(),
    variables: z.record(z.string(), z.string()),
    model_prices: z.record(z.string(), z.object({ input_per_million: z.number(), output_per_million: z.number() })),
    required_test_suite: z.string().nullable(),
    min_pass_rate: z.number().nullable(),
    freeze_windows: z.array(z.object({ starts_at: Timestamp, ends_at: Timestamp, reason: z.string() })),
    retention_days: z.number().int().nullable(),
    created_at: Timestamp,
    updated_at: Timestamp,
  })
  .openapi("Environment");

export const EnvironmentParams = z.object({ name: EnvironmentName.openapi({ param: { name: "name", in: "path" } }) });

export const SecretSchema = z
  .object({ name: z.string(), created_at: Timestamp, updated_at: Timestamp, updated_by: z.string() })
  .openapi("Secret", { description: "A secret's name and history; its value is never returned" });

const SecretName = z.string().regex(/^[A-Z_][A-Z0-9_]{0,63}$/, "Upper-case letters, digits and _, like OPENAI_API_KEY");

export const SecretParams = EnvironmentParams.extend({ key: SecretName.openapi({ param: { name: "key", in: "path" } }) });

export const SetSecretBody = z.strictObject({ value: z.string().min(1).max(16_384) }).openapi("SetSecret");
