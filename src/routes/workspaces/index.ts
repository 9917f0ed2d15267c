import type { Router } from "../router";
import { registerCreateWorkspace } from "./create";

export function registerWorkspaceRoutes(router: Router) {
  registerCreateWorkspace(router);
}
