import type { Router } from "../router";
import { registerDeploymentHistory } from "./history";
import { registerRevertDeployment } from "./revert";
import { registerVellumDeploymentRoutes } from "./vellum-routes";

export function registerDeploymentRoutes(router: Router) {
  registerDeploymentHistory(router);
  registerRevertDeployment(router);
  registerVellumDeploymentRoutes(router, "prompt");
  registerVellumDeploymentRoutes(router, "workflow");
}
