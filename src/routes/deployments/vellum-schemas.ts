import { z } from "@hono/zod-openapi";
import { Timestamp } from "../../http/openapi";

const VellumVariable = z.object({ id: z.string(), key: z.string(), type: z.string(), required: z.boolean().nullable(), default: z.unknown() });

export const VellumDeploymentSchema = z
  .object({
    id: z.string(),
    created: Timestamp,
    label: z.string(),
    name: z.string(),
    status: z.string(),
    environment: z.string().nullable(),
    last_deployed_on: Timestamp,
    last_deployed_history_item_id: z.string(),
    input_variables: z.array(VellumVariable),
    output_variables: z.array(VellumVariable).optional(),
    description: z.string().nullable(),
    kind: z.enum(["prompt", "workflow"]),
    sandbox_id: z.string(),
    environments: z
      .array(z.object({ environment: z.string(), live_release: z.object({ id: z.string(), version: z.number().int(), content_hash: z.string(), created_at: Timestamp }) }))
      .openapi({ description: "Each visible environment's live release" }),
  })
  .openapi("VellumDeployment");

const HistoryItem = z.object({ id: z.string(), timestamp: Timestamp });

export const VellumReleaseTagSchema = z
  .object({ name: z.string(), source: z.enum(["SYSTEM", "USER"]), history_item: HistoryItem, release: HistoryItem, version: z.number().int() })
  .openapi("VellumReleaseTag");

export const VellumReleaseSchema = z
  .object({
    id: z.string(),
    created: Timestamp,
    environment: z.object({ id: z.string(), name: z.string(), label: z.string() }),
    created_by: z.null(),
    prompt_version: z.unknown().optional(),
    workflow_version: z.unknown().optional(),
    deployment: z.object({ id: z.string(), name: z.string() }),
    description: z.string(),
    release_tags: z.array(z.object({ name: z.string(), source: z.enum(["SYSTEM", "USER"]) })),
    reviews: z.array(z.unknown()),
    version: z.number().int(),
    content_hash: z.string(),
    source: z.unknown(),
    spec: z.unknown(),
  })
  .openapi("VellumRelease");

export const ReleaseTagParams = z.object({
  id: z
    .string()
    .min(1)
    .max(100)
    .openapi({ param: { name: "id", in: "path" }, description: "The deployment's id (`dep_…`) or its name" }),
  name: z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name: "name", in: "path" }, description: "The release tag's name, e.g. `LATEST` or `v1.2.0`" }),
});

export const ReleaseByIdOrTagParams = z.object({
  id: z
    .string()
    .min(1)
    .max(100)
    .openapi({ param: { name: "id", in: "path" }, description: "The deployment's id (`dep_…`) or its name" }),
  release_id_or_release_tag: z
    .string()
    .min(1)
    .max(100)
    .openapi({ param: { name: "release_id_or_release_tag", in: "path" }, description: "A release's id (`rel_…`), or the name of a release tag of this deployment" }),
});

export const MoveTagBody = z
  .strictObject({ history_item_id: z.string().max(64).nullable().optional().openapi({ description: "The release the tag should name" }) })
  .openapi("MoveReleaseTag");
