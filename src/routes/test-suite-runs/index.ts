import type { Router } from "../router";
import { registerGetTestSuiteRun } from "./get";

export function registerTestSuiteRunRoutes(router: Router) {
  registerGetTestSuiteRun(router);
}
