import type { DeploymentKind } from "../../releases/vellum-deployments";

/**
 * Vellum's SDK reads prompt and workflow deployments through two collections
 * of the same shape; each Vellum-compatible route is registered once for each.
 * The routes act in the key's environment.
 */
export const VELLUM_COLLECTIONS: Record<DeploymentKind, { base: string; tag: string; noun: string }> = {
  prompt: { base: "/v1/deployments", tag: "Deployments (Vellum-compatible)", noun: "prompt deployment" },
  workflow: { base: "/v1/workflow-deployments", tag: "Workflow deployments (Vellum-compatible)", noun: "workflow deployment" },
};
