import { describe, expect, it } from "vitest";
import { call } from "./harness";

describe("API description", () => {
  it("/openapi.json describes every route with its schemas and problem responses", async () => {
    const res = await call("/openapi.json");
    expect(res.status).toBe(200);
    expect(res.body.openapi).toBe("3.1.0");
    const paths = Object.keys(res.body.paths);
    expect(paths).toEqual(
      expect.arrayContaining([
        "/v1/workspaces",
        "/v1/environments",
        "/v1/environments/{name}",
        "/v1/api-keys",
        "/v1/api-keys/{id}",
        "/v1/api-keys/{id}/rotate",
        "/v1/audit-events",
        "/v1/audit-events/verify",
        "/v1/sandboxes",
        "/v1/sandboxes/{id}",
        "/v1/sandboxes/{id}/deploy",
        "/v1/deployments",
        "/v1/deployments/{id}",
        "/v1/deployments/{id}/releases",
        "/v1/deployments/{id}/revert",
        "/v1/deployments/{id}/release-tags",
        "/v1/deployments/{id}/release-tags/{name}",
        "/v1/deployments/{id}/releases/{release_id_or_release_tag}",
        "/v1/workflow-deployments/{id}/releases/{release_id_or_release_tag}",
        "/v1/releases/{id}",
        "/v1/releases/{id}/compare",
        "/v1/releases/{id}/promote",
        "/v1/promotion-requests",
        "/v1/promotion-requests/{id}",
        "/v1/execute-prompt",
        "/v1/execute-prompt-stream",
        "/v1/execute-workflow",
        "/v1/execute-workflow-stream",
        "/v1/executions",
        "/v1/metrics",
        "/v1/submit-completion-actuals",
        "/v1/search",
        "/v1/document-indexes",
        "/v1/document-indexes/{id}/documents",
        "/v1/sandboxes/{id}/run",
        "/v1/environments/{name}/secrets/{key}",
        "/v1/test-suites",
        "/v1/test-suites/{id}",
        "/v1/test-suites/{id}/runs",
        "/v1/test-suite-runs/{id}",
      ]),
    );
    const createKey = res.body.paths["/v1/api-keys"].post;
    expect(createKey.requestBody.content["application/json"].schema.$ref).toBe("#/components/schemas/CreateApiKey");
    expect(createKey.responses["403"].content["application/problem+json"].schema.$ref).toBe("#/components/schemas/Problem");
    expect(res.body.components.schemas.CreateApiKey.additionalProperties).toBe(false);
    expect(res.body.components.securitySchemes.apiKeyHeader).toMatchObject({ type: "apiKey", name: "X-API-KEY" });
  });

  it("/docs is a readable page listing the operations", async () => {
    const res = await call("/docs");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/html");
    expect(res.body).toContain("POST</span> <code>/v1/api-keys/{id}/rotate</code>");
    expect(res.body).toContain("Rotate an API key");
    expect(res.body).not.toContain("<script");
  });
});
