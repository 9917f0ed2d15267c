import type { Router } from "../../http/router";
import { registerGetExecution } from "./get";
import { registerListExecutions } from "./list";
import { registerSubmitActuals } from "./submit-actuals";

export function registerExecutionRoutes(router: Router) {
  registerListExecutions(router);
  registerGetExecution(router);
  registerSubmitActuals(router);
}
