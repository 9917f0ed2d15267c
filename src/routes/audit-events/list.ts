import { createRoute, z } from "@hono/zod-openapi";
import { authenticate, requireAnyScope } from "../../access/authenticate-request";
import { AUDIT_ACTIONS } from "../../audit/audit-log";
import { listAuditEventsFor } from "../../audit/read-audit-events";
import { EnvironmentQuery, jsonResponse, keySecurity, PaginationQuery, pageOf, problems } from "../../http/openapi";
import type { Router } from "../../http/router";
import { unwrap } from "../../lib/result";
import { AuditEventSchema } from "./schemas";

const route = createRoute({
  method: "get",
  path: "/v1/audit-events",
  tags: ["Audit"],
  summary: "List audit events",
  description: "Newest first. A workspace admin sees every event (or one environment's with `?environment=`); an environment admin sees its environment's.",
  security: keySecurity,
  middleware: [authenticate, requireAnyScope("admin")] as const,
  request: {
    query: PaginationQuery.merge(EnvironmentQuery).extend({
      action: z.enum(AUDIT_ACTIONS).optional().openapi({ example: "api_key.revoked", description: "Only events of this action" }),
      target_id: z.string().max(64).optional(),
    }),
  },
  responses: { 200: jsonResponse(pageOf(AuditEventSchema), "A page of audit events"), ...problems(400, 401, 403, 404) },
});

export function registerListAuditEvents(router: Router) {
  router.openapi(route, async (c) => {
    return c.json(unwrap(await listAuditEventsFor(c.get("deps"), c.get("principal"), c.req.valid("query"))), 200);
  });
}
