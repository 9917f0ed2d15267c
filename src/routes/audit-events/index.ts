import type { Router } from "../../http/router";
import { registerListAuditEvents } from "./list";
import { registerVerifyAuditEvents } from "./verify";

export function registerAuditEventRoutes(router: Router) {
  registerVerifyAuditEvents(router);
  registerListAuditEvents(router);
}
