import type { Router } from "../../http/router";

export function registerAuditPages(_app: Router) {}
