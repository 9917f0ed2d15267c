import { createRoute, z } from "@hono/zod-openapi";
import { authenticate, requireAnyScope } from "../../access/authenticate-request";
import { compareEnvironments } from "../../environments/compare-environments";
import { jsonResponse, keySecurity, problems, Timestamp } from "../../http/openapi";
import type { Router } from "../../http/router";
import { unwrap } from "../../lib/result";
import { EnvironmentName } from "./schemas";

const ReleaseSummary = z
  .object({
    id: z.string(),
    version: z.number().int(),
    content_hash: z.string(),
    created_at: Timestamp,
    created_by: z.string().openapi({ description: "The id of the key that created it" }),
    tags: z.array(z.string()).openapi({ example: ["LATEST", "v1.2.0"] }),
  })
  .openapi("ReleaseSummary", { description: "The release an environment serves live: the one its LATEST tag names" });

const DriftedReference = z
  .object({
    node_id: z.string(),
    deployment: z.string().openapi({ description: "The prompt deployment the node runs, by name" }),
    release_tag: z.string().openapi({ description: "The tag it runs (LATEST when the node names none)" }),
    environment: z.string(),
    workflow_release_created_at: Timestamp,
    referenced_release_id: z.string(),
    referenced_release_created_at: Timestamp,
  })
  .openapi("DriftedReference", {
    description: "A prompt node whose tag, in the workflow's own environment, now names a release created after the workflow's live release",
  });

const DeploymentDrift = z
  .object({
    deployment: z.object({ id: z.string(), name: z.string(), kind: z.enum(["prompt", "workflow"]) }),
    from: ReleaseSummary.nullable(),
    to: ReleaseSummary.nullable(),
    status: z.enum(["same", "different", "only_in_from", "only_in_to"]).openapi({ description: "By content hash of the live releases" }),
    same_content: z.boolean(),
    releases_ahead: z.number().int().nullable().openapi({
      description:
        "Releases of `from` newer than the newest `from` release with the content `to` serves (0: `from` serves it); null when `from` never had that content or either side is not live",
    }),
    spec_differences: z
      .object({
        changes: z.record(z.string(), z.unknown()),
        diff: z.string().openapi({ description: "Unified diff of the templates (of the nodes, for workflows)" }),
      })
      .nullable()
      .openapi({ description: "From `from`'s live spec to `to`'s, as release compare shows it; null unless both are live with different content" }),
    references_drifted: z.array(DriftedReference).openapi({ description: "Workflows, in either environment; empty for prompts" }),
    drifted: z.boolean().openapi({ description: "`references_drifted` is not empty: the workflow runs prompts newer than its release, even where `status` is `same`" }),
  })
  .openapi("DeploymentDrift");

const EnvironmentComparison = z
  .object({
    from: z.object({ name: z.string() }),
    to: z.object({ name: z.string() }),
    deployments: z.array(DeploymentDrift).openapi({ description: "Every deployment live in either environment, by name" }),
    variables: z.object({
      only_in_from: z.array(z.object({ name: z.string(), value: z.string() })),
      only_in_to: z.array(z.object({ name: z.string(), value: z.string() })),
      different: z.array(z.object({ name: z.string(), from: z.string(), to: z.string() })),
    }),
    secrets: z
      .object({ only_in_from: z.array(z.string()), only_in_to: z.array(z.string()) })
      .nullable()
      .openapi({ description: "Names only; null unless the key holds `admin` in both environments" }),
    policy: z
      .array(z.object({ field: z.enum(["protected", "required_approvals", "test_gate", "freeze_windows"]), from: z.unknown(), to: z.unknown() }))
      .openapi({ description: "The promotion policy settings that differ" }),
  })
  .openapi("EnvironmentComparison");

const CompareQuery = z.object({
  from: EnvironmentName.openapi({ description: "The environment compared, e.g. `staging`" }),
  to: EnvironmentName.openapi({ description: "The environment it is compared with, e.g. `production`; not `from`" }),
});

const route = createRoute({
  method: "get",
  path: "/v1/environments/compare",
  tags: ["Environments"],
  summary: "Compare two environments",
  description:
    "Drift between two environments the key can read: each deployment's live release, variables, secret names and promotion policy. An environment the key cannot see is a 404.",
  security: keySecurity,
  middleware: [authenticate, requireAnyScope("read")] as const,
  request: { query: CompareQuery },
  responses: { 200: jsonResponse(EnvironmentComparison, "What differs from `from` to `to`"), ...problems(400, 401, 403, 404) },
});

export function registerCompareEnvironments(router: Router) {
  router.openapi(route, async (c) => {
    const { from, to } = c.req.valid("query");
    return c.json(unwrap(await compareEnvironments(c.get("deps"), c.get("principal"), from, to)), 200);
  });
}
