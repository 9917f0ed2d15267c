import { z } from "@hono/zod-openapi";
import { Timestamp } from "../../http/openapi";
import { MAX_RATE_LIMIT_PER_MINUTE } from "../../limits/rate-limits";

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

const TestGate = z
  .strictObject({
    min_pass_rate: z.number().min(0).max(1).default(1).openapi({ description: "Share of each suite's cases that must pass, 0 to 1; default 1" }),
    untested: z.enum(["refuse", "allow"]).default("refuse").openapi({
      description: "A release of a deployment that has no test suite: `refuse` it (the default) or `allow` it through untested",
    }),
  })
  .openapi("TestGate", {
    description: "Each promoted release must pass every test suite of its own deployment: the newest completed run of each on that exact release must reach `min_pass_rate`",
    example: { min_pass_rate: 1, untested: "refuse" },
  });

/** A host name, or `*.` and a host name: what an egress allowlist or a secret's allowed hosts hold. */
const HostPattern = z
  .string()
  .max(253)
  .regex(/^(\*\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.?$/i, "A host name (api.example.com) or a pattern of its subdomains (*.example.com)")
  .openapi({ example: "*.openai.azure.com" });

export const HostPatterns = z.array(HostPattern).max(100);

/** For a setting with no empty value: null is refused with a message saying so, not as a type error. */
function notClearable(hint: string) {
  return { error: (issue: { input?: unknown }) => (issue.input === null ? `Cannot be cleared; ${hint}` : undefined) };
}

/**
 * Every setting. In a PATCH, null clears a setting that has an empty value
 * (its description, approvals, variables, prices, test gate, freeze windows,
 * retention limit); `label` and `protected` have none, and null is refused.
 */
const settings = {
  label: z.string(notClearable("send a new label")).min(1).max(100),
  description: z.string().max(1000).nullable().openapi({ description: "null clears it" }),
  protected: z.boolean(notClearable("send true or false")).openapi({ description: "A protected environment takes releases by promotion only" }),
  required_approvals: z.number().int().min(0).max(10).nullable().openapi({ description: "Approvals a promotion into this environment needs; null or 0: none" }),
  variables: Variables.nullable().openapi({ description: "Plain values available to templates as env.NAME; not secret. Replaces the whole set; null clears it" }),
  model_prices: ModelPrices.nullable().openapi({
    description: "USD per million tokens by model (`provider/name` or `name`), overriding the built-in table. Replaces the whole table; null clears it",
  }),
  test_gate: TestGate.nullable().openapi({ description: "Replaces the whole gate (fields left out take their defaults); null: no test gate" }),
  freeze_windows: z.array(FreezeWindow).max(50).nullable().openapi({
    description: "While one is in force, no deploy, promotion or tag move lands here (reverts still do). Replaces the whole list; null clears it",
  }),
  retention_days: z
    .number()
    .int()
    .min(1)
    .max(3650)
    .nullable()
    .openapi({ description: "Days executions and their metrics are kept (a scheduled job deletes older ones); null keeps them forever. Default 90." }),
  egress_allowlist: HostPatterns.nullable().openapi({
    description:
      "The only hosts model base URLs, workflow `api` nodes and webhooks of this environment may call: host names and `*.example.com` patterns (subdomains only). Empty or null: any public host. Replaces the whole list",
    example: ["api.openai.com", "*.example.com"],
  }),
  rate_limit_per_minute: z.number().int().min(1).max(MAX_RATE_LIMIT_PER_MINUTE).nullable().openapi({
    description:
      "Invocations a minute the whole environment serves, counted in each Cloudflare location; past it an invoke gets 429 RATE_LIMITED with Retry-After. null: no limit (the default)",
  }),
  key_rate_limit_per_minute: z
    .number()
    .int()
    .min(1)
    .max(MAX_RATE_LIMIT_PER_MINUTE)
    .nullable()
    .openapi({ description: "Invocations a minute each API key may make in this environment, counted like rate_limit_per_minute. null: no limit (the default)" }),
  daily_budget_usd: z.number().min(0).max(1_000_000).nullable().openapi({
    description:
      "USD the environment may spend per UTC day, summed from its executions' cost. Once reached, invokes get 429 BUDGET_EXHAUSTED until the next UTC day or until the budget is raised; the webhook events budget.warning (80%) and budget.exhausted (100%) go out once a day. Enforced within seconds of the spend. null: no budget (the default)",
  }),
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
    test_gate: settings.test_gate.optional(),
    freeze_windows: settings.freeze_windows.optional(),
    retention_days: settings.retention_days.optional(),
    egress_allowlist: settings.egress_allowlist.optional(),
    rate_limit_per_minute: settings.rate_limit_per_minute.optional(),
    key_rate_limit_per_minute: settings.key_rate_limit_per_minute.optional(),
    daily_budget_usd: settings.daily_budget_usd.optional(),
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
    test_gate: z.object({ min_pass_rate: z.number(), untested: z.enum(["refuse", "allow"]) }).nullable(),
    freeze_windows: z.array(z.object({ starts_at: Timestamp, ends_at: Timestamp, reason: z.string() })),
    retention_days: z.number().int().nullable(),
    egress_allowlist: z.array(z.string()),
    rate_limit_per_minute: z.number().int().nullable(),
    key_rate_limit_per_minute: z.number().int().nullable(),
    daily_budget_usd: z.number().nullable(),
    created_at: Timestamp,
    updated_at: Timestamp,
  })
  .openapi("Environment");

export const EnvironmentParams = z.object({ name: EnvironmentName.openapi({ param: { name: "name", in: "path" }, description: "The environment's name, e.g. `production`" }) });

export const SecretSchema = z
  .object({
    name: z.string(),
    allowed_hosts: z.array(z.string()).openapi({ description: "The hosts the secret may be sent to; empty: any host the egress rules allow" }),
    created_at: Timestamp,
    updated_at: Timestamp,
    updated_by: z.string(),
  })
  .openapi("Secret", { description: "A secret's name and history; its value is never returned" });

const SecretName = z.string().regex(/^[A-Z_][A-Z0-9_]{0,63}$/, "Upper-case letters, digits and _, like OPENAI_API_KEY");

export const SecretParams = EnvironmentParams.extend({ key: SecretName.openapi({ param: { name: "key", in: "path" }, description: "The secret's name, e.g. `OPENAI_API_KEY`" }) });

export const SetSecretBody = z
  .strictObject({
    value: z.string().min(1).max(16_384),
    allowed_hosts: HostPatterns.optional().openapi({
      description:
        "Binds the secret to these hosts (names and `*.example.com` patterns): a template or provider credential that would send it elsewhere is refused when deployed and when run. Left out: the binding stays as it was (none for a new secret); `[]` removes it, so it may go to any host",
      example: ["api.openai.com"],
    }),
  })
  .openapi("SetSecret");
