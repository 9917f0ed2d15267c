import type { Router } from "../../http/router";
import { registerCompareEnvironments } from "./compare";
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
  // Before /v1/environments/{name}, which would otherwise take "compare" for a name.
  registerCompareEnvironments(router);
  registerGetEnvironment(router);
  registerUpdateEnvironment(router);
  registerDeleteEnvironment(router);
  registerSetSecret(router);
  registerListSecrets(router);
  registerDeleteSecret(router);
}
