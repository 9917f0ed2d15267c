import type { Router } from "../../http/router";

export function registerSandboxPages(_app: Router) {}
