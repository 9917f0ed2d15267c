import type { Router } from "../../http/router";
import { renderDocsPage } from "./render-docs-page";

export const OPENAPI_INFO = {
  title: "Stagecraft",
  version: "1.0.0",
  description:
    "Deployment lifecycle for LLM prompts and workflows: sandboxes, multi-environment deploys, promotion, instant revert, and invocation by release tag. Authenticate with `Authorization: Bearer <key>` or `X-API-KEY: <key>`.",
};

function registerSecuritySchemes(router: Router) {
  router.openAPIRegistry.registerComponent("securitySchemes", "bearerAuth", { type: "http", scheme: "bearer", description: "An API key" });
  router.openAPIRegistry.registerComponent("securitySchemes", "apiKeyHeader", { type: "apiKey", in: "header", name: "X-API-KEY", description: "An API key (Vellum's header)" });
  router.openAPIRegistry.registerComponent("securitySchemes", "bootstrapToken", { type: "http", scheme: "bearer", description: "The server's BOOTSTRAP_TOKEN" });
}

/** `/openapi.json`, generated from the routes' zod schemas, and `/docs`, a page rendered from it. */
export function registerDocsRoutes(router: Router) {
  registerSecuritySchemes(router);
  const document = () => router.getOpenAPI31Document({ openapi: "3.1.0", info: OPENAPI_INFO });
  router.get("/openapi.json", (c) => c.json(document()));
  router.get("/docs", (c) => c.html(renderDocsPage(document() as Parameters<typeof renderDocsPage>[0])));
  router.get("/", (c) => c.redirect("/docs"));
}
