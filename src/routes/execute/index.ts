import type { Router } from "../../http/router";
import { registerExecutePrompt } from "./execute-prompt";
import { registerExecutePromptStream } from "./execute-prompt-stream";
import { registerExecuteWorkflow } from "./execute-workflow";

export function registerExecuteRoutes(router: Router) {
  registerExecutePrompt(router);
  registerExecutePromptStream(router);
  registerExecuteWorkflow(router);
}
