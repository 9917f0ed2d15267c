import type { Router } from "../../http/router";
import { registerCreateWorkspace } from "./create";

export function registerWorkspaceRoutes(router: Router) {
  registerCreateWorkspace(router);
}
