import type { Router } from "../../http/router";
import { PromptSpec } from "../../specs/prompt-spec";
import { WorkflowSpec } from "../../specs/workflow-spec";
import { DOCS_STYLESHEET, type OpenApiDocument, renderDocsPage } from "./render-docs-page";

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

/** The page needs nothing but its own stylesheet: no script, no inline style, nothing from elsewhere. */
const DOCS_PAGE_POLICY = "default-src 'none'; style-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/**
 * The spec schemas, as components: request bodies accept any object as a
 * spec (the domain validates it by kind) and refer to these by name.
 */
function registerSpecSchemas(router: Router) {
  for (const schema of [PromptSpec, WorkflowSpec]) router.openAPIRegistry.register(schema.meta()?.id as string, schema);
}

/** `/openapi.json`, generated from the routes' zod schemas, and `/docs`, a page rendered from it. */
export function registerDocsRoutes(router: Router) {
  registerSecuritySchemes(router);
  registerSpecSchemas(router);
  const document = () => router.getOpenAPI31Document({ openapi: "3.1.0", info: OPENAPI_INFO });
  router.get("/openapi.json", (c) => c.json(document()));
  router.get("/docs", (c) => {
    c.header("Content-Security-Policy", DOCS_PAGE_POLICY);
    return c.html(renderDocsPage(document() as OpenApiDocument));
  });
  router.get("/docs/style.css", (c) => {
    c.header("Content-Type", "text/css; charset=utf-8");
    c.header("Cache-Control", "public, max-age=3600");
    return c.body(DOCS_STYLESHEET);
  });
}
