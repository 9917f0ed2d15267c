import type { Router } from "../../http/router";
import { registerExecutePrompt } from "./execute-prompt";
import { registerExecutePromptStream } from "./execute-prompt-stream";
import { registerExecuteWorkflow } from "./execute-workflow";
import { registerExecuteWorkflowStream } from "./execute-workflow-stream";

export function registerExecuteRoutes(router: Router) {
  registerExecutePrompt(router);
  registerExecutePromptStream(router);
  registerExecuteWorkflow(router);
  registerExecuteWorkflowStream(router);
}
