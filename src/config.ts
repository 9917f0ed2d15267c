import { z } from "zod";

const configSchema = z.object({
  BOOTSTRAP_TOKEN: z.string().min(16, "BOOTSTRAP_TOKEN must be at least 16 characters"),
  STAGE: z.enum(["development", "test", "production"]).default("production"),
});

export type Config = {
  bootstrapToken: string;
  stage: "development" | "test" | "production";
};

const parsed = new WeakMap<object, Config>();

/**
 * Reads the Worker's configuration from its bindings, once per isolate.
 * A missing or weak secret fails every request closed rather than running
 * with an unsafe default.
 */
export function loadConfig(env: Env): Config {
  const cached = parsed.get(env);
  if (cached) return cached;
  const result = configSchema.safeParse(env);
  if (!result.success) {
    throw new Error(`Invalid configuration: ${result.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
  }
  const config: Config = { bootstrapToken: result.data.BOOTSTRAP_TOKEN, stage: result.data.STAGE };
  parsed.set(env, config);
  return config;
}
