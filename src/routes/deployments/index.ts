import type { Router } from "../../http/router";
import { registerDeploymentHistory } from "./history";
import { registerRevertDeployment } from "./revert";
import { registerVellumDeploymentRoutes } from "./vellum-routes";

export function registerDeploymentRoutes(router: Router) {
  registerDeploymentHistory(router);
  registerRevertDeployment(router);
  registerVellumDeploymentRoutes(router, "prompt");
  registerVellumDeploymentRoutes(router, "workflow");
}
