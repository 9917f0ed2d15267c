import { z } from "@hono/zod-openapi";
import { idParams, Timestamp } from "../../http/openapi";
import { notClearable } from "../../http/patch-fields";
import { PromptSpec } from "../../specs/prompt-spec";
import { specKinds } from "../../specs/validate-spec";
import { WorkflowSpec } from "../../specs/workflow-spec";

const Scenario = z
  .strictObject({
    name: z.string().min(1).max(100),
    inputs: z.record(z.string(), z.unknown()),
    expected: z.unknown().optional(),
  })
  .openapi("Scenario");

/** A `$ref` to the component a spec schema names with `.meta({ id })`; docs/ registers the component. */
function componentRef(schema: z.ZodType) {
  return { $ref: `#/components/schemas/${schema.meta()?.id}` };
}

/**
 * The spec, documented as PromptSpec or WorkflowSpec. The body accepts any
 * object here: the domain checks it against the schema its `kind` names
 * (validateSpec), so each problem names its field.
 */
export const SpecDocumentation = {
  type: "object" as const,
  oneOf: [componentRef(PromptSpec), componentRef(WorkflowSpec)],
};

const bySandboxKind = { ...SpecDocumentation, description: "A prompt spec (PromptSpec) or a workflow spec (WorkflowSpec), as the sandbox's `kind` says" };

const SpecBody = z.record(z.string(), z.unknown()).openapi(bySandboxKind);

export const SandboxName = z.string().trim().min(1).max(100);

export const CreateSandboxBody = z
  .strictObject({ name: SandboxName, kind: z.enum(specKinds), spec: SpecBody, scenarios: z.array(Scenario).max(200).optional() })
  .openapi("CreateSandbox");

export const UpdateSandboxBody = z
  .strictObject({
    name: notClearable(SandboxName).optional(),
    spec: notClearable(SpecBody).optional(),
    scenarios: z.array(Scenario).max(200).nullable().optional().openapi({ description: "Replaces every scenario; null clears them" }),
  })
  .openapi("UpdateSandbox");

export const SandboxSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    kind: z.enum(specKinds),
    revision: z.number().int(),
    spec: z.unknown().openapi(bySandboxKind),
    scenarios: z.array(Scenario),
    deployment_id: z.string().openapi({ description: "The deployment this sandbox deploys as (reserved until its first deploy)" }),
    created_at: Timestamp,
    created_by: z.string(),
    updated_at: Timestamp,
    updated_by: z.string(),
  })
  .openapi("Sandbox");

const TagName = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, "Letters, digits, '.', '_' and '-', at most 64");

export const DeployBody = z
  .strictObject({
    deployment_name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/, "Letters, digits, '.', '_' and '-', at most 100"),
    environments: z.array(z.string().max(64)).min(1).max(20),
    release_tags: z
      .array(TagName)
      .max(20)
      .optional()
      .openapi({ example: ["v1.2.0"] }),
    description: z.string().max(2000).optional(),
    sandbox_revision: z.number().int().min(1).optional().openapi({ description: "Default: the latest revision" }),
  })
  .openapi("Deploy");

export const SandboxParams = idParams("The sandbox's id (`sbx_…`)");

export { TagName };
