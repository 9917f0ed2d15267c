import type { Router } from "../../http/router";

export function registerEnvironmentPages(_app: Router) {}
