import { defineConfig } from "vitest/config";

// The CLI's tests run in Node, not workerd: they start the real Worker with
// `wrangler dev` and run the built CLI against it as a subprocess.
export default defineConfig({
  test: {
    environment: "node",
    include: ["test-cli/**/*.test.ts"],
    globalSetup: ["./test-cli/build-cli.ts"],
    // One at a time: each file may start a workerd of its own.
    fileParallelism: false,
    testTimeout: 240_000,
    hookTimeout: 240_000,
  },
});
