import type { Router } from "../../http/router";
import { registerGetTestSuiteRun } from "./get";

export function registerTestSuiteRunRoutes(router: Router) {
  registerGetTestSuiteRun(router);
}
