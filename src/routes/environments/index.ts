import type { Router } from "../../http/router";
import { registerCreateEnvironment } from "./create";
import { registerDeleteEnvironment } from "./delete";
import { registerDeleteSecret } from "./delete-secret";
import { registerGetEnvironment } from "./get";
import { registerListEnvironments } from "./list";
import { registerListSecrets } from "./list-secrets";
import { registerSetSecret } from "./set-secret";
import { registerUpdateEnvironment } from "./update";

export function registerEnvironmentRoutes(router: Router) {
  registerListEnvironments(router);
  registerCreateEnvironment(router);
  registerGetEnvironment(router);
  registerUpdateEnvironment(router);
  registerDeleteEnvironment(router);
  registerSetSecret(router);
  registerListSecrets(router);
  registerDeleteSecret(router);
}
