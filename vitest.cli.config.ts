import { defineConfig } from "vitest/config";

// The CLI's tests run in Node, not workerd: they start the real Worker with
// `wrangler dev` and run the built CLI against it as a subprocess. The
// dashboard's browser tests drive Chromium against the same kind of Worker.
export default defineConfig({
  test: {
    environment: "node",
    include: ["test-cli/**/*.test.ts", "test-browser/**/*.test.ts"],
    globalSetup: ["./test-cli/build-cli.ts"],
    // One at a time: each file may start a workerd of its own.
    fileParallelism: false,
    testTimeout: 240_000,
    hookTimeout: 240_000,
  },
});
