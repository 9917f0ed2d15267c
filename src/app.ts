import { bodyLimit } from "hono/body-limit";
import { createMiddleware } from "hono/factory";
import { requestId } from "hono/request-id";
import { loadConfig } from "./config";
import type { AppEnv, Deps } from "./context";
import { registerDashboard } from "./dashboard";
import { openDatabase } from "./db/client";
import { EdgeChanges, edgeReads } from "./edge/cache";
import { handleError, handleNoRoute } from "./http/error-handler";
import { newRouter } from "./http/router";
import { newId } from "./lib/ids";
import { ApiError } from "./lib/problem";
import { ServerTiming } from "./lib/server-timing";
import { registerApiKeyRoutes } from "./routes/api-keys";
import { registerAuditEventRoutes } from "./routes/audit-events";
import { registerDeploymentRoutes } from "./routes/deployments";
import { registerDocsRoutes } from "./routes/docs";
import { registerDocumentIndexRoutes } from "./routes/document-indexes";
import { registerEnvironmentRoutes } from "./routes/environments";
import { registerExecuteRoutes } from "./routes/execute";
import { registerExecutionRoutes } from "./routes/executions";
import { registerMetricsRoutes } from "./routes/metrics";
import { registerOidcRoutes } from "./routes/oidc";
import { registerPromotionRequestRoutes } from "./routes/promotion-requests";
import { registerReleaseRoutes } from "./routes/releases";
import { registerRolloutRoutes } from "./routes/rollouts";
import { registerSandboxRoutes } from "./routes/sandboxes";
import { registerTestSuiteRunRoutes } from "./routes/test-suite-runs";
import { registerTestSuiteRoutes } from "./routes/test-suites";
import { registerWebhookRoutes } from "./routes/webhooks";
import { registerWorkspaceRoutes } from "./routes/workspaces";

/** Request bodies above this are refused with 413 before they are read. */
export const MAX_BODY_BYTES = 256 * 1024;

/** What tests may replace: the clock and the id generator. */
export type AppOverrides = Partial<Pick<Deps, "now" | "newId">>;

/**
 * Builds the HTTP application. Everything a handler touches reaches it
 * through `c.get("deps")`, built here per request from the bindings.
 *
 * @example
 * const app = createApp({ now: () => new Date("2030-01-01T00:00:00Z") });
 * const res = await app.request("/v1/environments", { headers }, env);
 */
export function createApp(overrides: AppOverrides = {}) {
  const app = newRouter();
  app.use(requestId({ headerName: "X-Request-Id" }));
  app.use(
    createMiddleware<AppEnv>(async (c, next) => {
      c.set("timing", new ServerTiming());
      const config = loadConfig(c.env);
      const changes = new EdgeChanges();
      c.set("deps", {
        db: openDatabase(c.env.DB),
        kv: c.env.EDGE,
        edge: edgeReads(c.env.EDGE, config.edgeCacheMs, (work) => c.executionCtx.waitUntil(work)),
        edgeChanged: () => changes.changed(),
        events: c.env.EVENTS,
        webhooks: c.env.WEBHOOKS,
        coordinators: c.env.DEPLOYMENT_COORDINATOR,
        config,
        now: overrides.now ?? (() => new Date()),
        newId: overrides.newId ?? newId,
        requestId: c.get("requestId"),
      });
      await next();
      await changes.settle(config.edgeCacheMs);
    }),
  );
  app.use(
    "/v1/*",
    bodyLimit({
      maxSize: MAX_BODY_BYTES,
      onError: () => {
        throw new ApiError("PAYLOAD_TOO_LARGE", `Request bodies are limited to ${MAX_BODY_BYTES} bytes`);
      },
    }),
  );
  registerWorkspaceRoutes(app);
  registerEnvironmentRoutes(app);
  registerApiKeyRoutes(app);
  registerExecuteRoutes(app);
  registerExecutionRoutes(app);
  registerMetricsRoutes(app);
  registerSandboxRoutes(app);
  registerDeploymentRoutes(app);
  registerReleaseRoutes(app);
  registerRolloutRoutes(app);
  registerPromotionRequestRoutes(app);
  registerDocumentIndexRoutes(app);
  registerTestSuiteRoutes(app);
  registerTestSuiteRunRoutes(app);
  registerAuditEventRoutes(app);
  registerWebhookRoutes(app);
  registerOidcRoutes(app);
  registerDocsRoutes(app);
  registerDashboard(app);
  app.notFound(handleNoRoute(() => app.routes));
  app.onError(handleError);
  return app;
}
