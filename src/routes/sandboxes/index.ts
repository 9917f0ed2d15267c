import type { Router } from "../../http/router";
import { registerCreateSandbox } from "./create";
import { registerDeploySandbox } from "./deploy";
import { registerGetSandbox } from "./get";
import { registerListSandboxes } from "./list";
import { registerRunSandbox } from "./run";
import { registerUpdateSandbox } from "./update";

export function registerSandboxRoutes(router: Router) {
  registerListSandboxes(router);
  registerCreateSandbox(router);
  registerGetSandbox(router);
  registerUpdateSandbox(router);
  registerDeploySandbox(router);
  registerRunSandbox(router);
}
