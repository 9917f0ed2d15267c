import type { Router } from "../../http/router";
import { registerCreateTestSuite } from "./create";
import { registerGetTestSuite } from "./get";
import { registerListTestSuites } from "./list";
import { registerListTestSuiteRuns } from "./list-runs";
import { registerRunTestSuite } from "./run";
import { registerUpdateTestSuite } from "./update";

export function registerTestSuiteRoutes(router: Router) {
  registerListTestSuites(router);
  registerCreateTestSuite(router);
  registerGetTestSuite(router);
  registerUpdateTestSuite(router);
  registerRunTestSuite(router);
  registerListTestSuiteRuns(router);
}
