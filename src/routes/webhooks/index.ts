import type { Router } from "../../http/router";
import { registerCreateWebhook } from "./create";
import { registerDeleteWebhook } from "./delete";
import { registerDeliveryRoutes } from "./deliveries";
import { registerGetWebhook } from "./get";
import { registerListWebhooks } from "./list";
import { registerUpdateWebhook } from "./update";

/** Per-environment webhooks and their delivery logs. */
export function registerWebhookRoutes(router: Router) {
  registerListWebhooks(router);
  registerCreateWebhook(router);
  registerGetWebhook(router);
  registerUpdateWebhook(router);
  registerDeleteWebhook(router);
  registerDeliveryRoutes(router);
}
