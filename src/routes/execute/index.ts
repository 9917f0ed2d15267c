import type { Router } from "../router";
import { registerExecutePrompt } from "./execute-prompt";
import { registerExecutePromptStream } from "./execute-prompt-stream";

export function registerExecuteRoutes(router: Router) {
  registerExecutePrompt(router);
  registerExecutePromptStream(router);
}
