import type { Router } from "../../http/router";

export function registerDeploymentPages(_app: Router) {}
