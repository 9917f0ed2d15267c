import type { Router } from "../../http/router";
import { registerAuditPage } from "./audit-page";

/** /audit: the audit log with its filters and the chain's verdict. */
export function registerAuditPages(app: Router) {
  registerAuditPage(app);
}
