import { z } from "zod";
import { privateHostList } from "./egress/outbound-url";
import { isAes256Key } from "./lib/secret-box";

const configSchema = z.object({
  BOOTSTRAP_TOKEN: z.string().min(16, "BOOTSTRAP_TOKEN must be at least 16 characters"),
  STAGE: z.enum(["development", "test", "production"]).default("production"),
  MASTER_KEY: z.string().refine(isAes256Key, "MASTER_KEY must be base64 of 32 random bytes (openssl rand -base64 32)"),
  UPSTREAM_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(30_000),
  WEBHOOK_RETRY_BASE_SECONDS: z.coerce.number().int().min(0).max(3_600).default(10),
  EDGE_CACHE_MS: z.coerce.number().int().min(0).max(60_000).default(1_000),
  EGRESS_ALLOW_PRIVATE_HOSTS: z.string().default(""),
});

export type Config = {
  bootstrapToken: string;
  stage: "development" | "test" | "production";
  /** Base64 AES-256 key that encrypts environment secrets. */
  masterKey: string;
  /** How long a model provider may take before the execution is rejected. */
  upstreamTimeoutMs: number;
  /** The wait before a failed webhook delivery's first retry; each later wait is four times longer. */
  webhookRetryBaseSeconds: number;
  /**
   * How long an isolate may serve a key entry, tag pointer or environment
   * config it read from KV, and so how long a change to one of them holds
   * its answer (see edge/cache.ts). 0: no cache, no wait.
   */
  edgeCacheMs: number;
  /**
   * `host` or `host:port` entries that may be called although they are not
   * on the public internet (a local model stub); ignored in production.
   */
  egressAllowPrivateHosts: string[];
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
  const config: Config = {
    bootstrapToken: result.data.BOOTSTRAP_TOKEN,
    stage: result.data.STAGE,
    masterKey: result.data.MASTER_KEY,
    upstreamTimeoutMs: result.data.UPSTREAM_TIMEOUT_MS,
    webhookRetryBaseSeconds: result.data.WEBHOOK_RETRY_BASE_SECONDS,
    edgeCacheMs: result.data.EDGE_CACHE_MS,
    egressAllowPrivateHosts: privateHostList(result.data.EGRESS_ALLOW_PRIVATE_HOSTS),
  };
  parsed.set(env, config);
  return config;
}
