import type { Router } from "../../http/router";
import { registerGetVellumDeployment } from "./get";
import { registerGetVellumRelease } from "./get-release";
import { registerGetVellumReleaseTag } from "./get-release-tag";
import { registerDeploymentHistory } from "./history";
import { registerListVellumDeployments } from "./list";
import { registerListVellumReleaseTags } from "./list-release-tags";
import { registerMoveVellumReleaseTag } from "./move-release-tag";
import { registerRevertDeployment } from "./revert";

export function registerDeploymentRoutes(router: Router) {
  registerDeploymentHistory(router);
  registerRevertDeployment(router);
  // The Vellum-compatible routes, once for prompt and once for workflow deployments.
  for (const kind of ["prompt", "workflow"] as const) {
    registerListVellumDeployments(router, kind);
    registerGetVellumDeployment(router, kind);
    registerListVellumReleaseTags(router, kind);
    registerGetVellumReleaseTag(router, kind);
    registerMoveVellumReleaseTag(router, kind);
    registerGetVellumRelease(router, kind);
  }
}
