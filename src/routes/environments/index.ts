import type { Router } from "../../http/router";
import { registerCreateEnvironment } from "./create";
import { registerDeleteEnvironment } from "./delete";
import { registerGetEnvironment } from "./get";
import { registerListEnvironments } from "./list";
import { registerSecretRoutes } from "./secrets";
import { registerUpdateEnvironment } from "./update";

export function registerEnvironmentRoutes(router: Router) {
  registerListEnvironments(router);
  registerCreateEnvironment(router);
  registerGetEnvironment(router);
  registerUpdateEnvironment(router);
  registerDeleteEnvironment(router);
  registerSecretRoutes(router);
}
