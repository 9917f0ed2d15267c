import type { Router } from "../../http/router";
import { registerCreateWebhook } from "./create";
import { registerDeleteWebhook } from "./delete";
import { registerGetWebhook } from "./get";
import { registerListWebhooks } from "./list";
import { registerListDeliveries } from "./list-deliveries";
import { registerRedeliver } from "./redeliver";
import { registerUpdateWebhook } from "./update";

/** Per-environment webhooks and their delivery logs. */
export function registerWebhookRoutes(router: Router) {
  registerListWebhooks(router);
  registerCreateWebhook(router);
  registerGetWebhook(router);
  registerUpdateWebhook(router);
  registerDeleteWebhook(router);
  registerListDeliveries(router);
  registerRedeliver(router);
}
