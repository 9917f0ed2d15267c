import path from "node:path";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

const TEST_BOOTSTRAP_TOKEN = "test-bootstrap-token-0123456789";
const TEST_MASTER_KEY = Buffer.alloc(32, 7).toString("base64");

export default defineConfig(async () => {
  // wrangler.toml declares BOOTSTRAP_TOKEN a required secret; satisfy the check the same way CI would.
  process.env.BOOTSTRAP_TOKEN ??= TEST_BOOTSTRAP_TOKEN;
  process.env.MASTER_KEY ??= TEST_MASTER_KEY;
  const migrations = await readD1Migrations(path.join(import.meta.dirname, "migrations"));
  return {
    plugins: [
      cloudflareTest({
        wrangler: { configPath: "./wrangler.toml" },
        miniflare: {
          bindings: {
            STAGE: "test",
            BOOTSTRAP_TOKEN: TEST_BOOTSTRAP_TOKEN,
            MASTER_KEY: TEST_MASTER_KEY,
            UPSTREAM_TIMEOUT_MS: "500",
            // Failed webhook deliveries retry at once, so tests need not wait out the backoff.
            WEBHOOK_RETRY_BASE_SECONDS: "0",
            // The invoke path's cache on, as in production, with a bound short enough that a change's wait costs little.
            EDGE_CACHE_MS: "20",
            TEST_MIGRATIONS: migrations,
          },
          // An empty database of its own for tests that apply the migration chain step by step.
          d1Databases: ["MIGRATION_CHECK_DB"],
        },
      }),
    ],
    test: {
      setupFiles: ["./test/apply-migrations.ts", "./test/verify-audit-chains.ts"],
      include: ["test/**/*.test.ts"],
    },
  };
});
