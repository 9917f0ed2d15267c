import { createRoute } from "@hono/zod-openapi";
import { authenticate, requireAnyScope } from "../../access/authenticate-request";
import { verifyWorkspaceAudit } from "../../audit/read-audit-events";
import { jsonResponse, keySecurity, problems } from "../../http/openapi";
import type { Router } from "../../http/router";
import { unwrap } from "../../lib/result";
import { AuditVerdictSchema } from "./schemas";

const route = createRoute({
  method: "get",
  path: "/v1/audit-events/verify",
  tags: ["Audit"],
  summary: "Verify the audit chain",
  description: "Recomputes the workspace's hash chain from its first event. Needs a workspace admin key.",
  security: keySecurity,
  middleware: [authenticate, requireAnyScope("admin")] as const,
  responses: { 200: jsonResponse(AuditVerdictSchema, "Whether the chain is intact, and if not, where it breaks"), ...problems(401, 403) },
});

export function registerVerifyAuditEvents(router: Router) {
  router.openapi(route, async (c) => {
    return c.json(unwrap(await verifyWorkspaceAudit(c.get("deps"), c.get("principal"))), 200);
  });
}
