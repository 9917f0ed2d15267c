import { createRoute, z } from "@hono/zod-openapi";
import { jsonBody, jsonResponse, problems, Timestamp } from "../../http/openapi";
import type { Router } from "../../http/router";
import { bootstrapWorkspace } from "../../workspaces/bootstrap";
import { requireBootstrapToken } from "../../workspaces/bootstrap-token";
import { IssuedApiKeySchema } from "../api-keys/schemas";
import { EnvironmentSchema } from "../environments/schemas";

const CreateWorkspaceBody = z.strictObject({ name: z.string().trim().min(1).max(100) }).openapi("CreateWorkspace");

const WorkspaceCreatedSchema = z
  .object({
    workspace: z.object({ id: z.string(), name: z.string(), created_at: Timestamp }),
    environments: z.array(EnvironmentSchema),
    api_key: IssuedApiKeySchema,
  })
  .openapi("WorkspaceCreated");

const route = createRoute({
  method: "post",
  path: "/v1/workspaces",
  tags: ["Workspaces"],
  summary: "Create a workspace",
  description:
    "Authorized by the server's bootstrap token. Creates the workspace with the environments development, staging and production, and returns its first admin key, once.",
  security: [{ bootstrapToken: [] }],
  middleware: [requireBootstrapToken] as const,
  request: { body: jsonBody(CreateWorkspaceBody) },
  responses: {
    201: jsonResponse(WorkspaceCreatedSchema, "The workspace, its environments and its admin key"),
    ...problems(400, 401, 413, 415),
    401: { ...problems(401)[401], description: "The bootstrap token is missing or wrong (an API key is not accepted here)" },
  },
});

export function registerCreateWorkspace(router: Router) {
  router.openapi(route, async (c) => {
    return c.json(await bootstrapWorkspace(c.get("deps"), c.req.valid("json").name), 201);
  });
}
