import type { Router } from "../../http/router";

export function registerTestSuitePages(_app: Router) {}
