import type { Router } from "../../http/router";
import { registerCreateApiKey } from "./create";
import { registerGetApiKey } from "./get";
import { registerListApiKeys } from "./list";
import { registerRevokeApiKey } from "./revoke";
import { registerRotateApiKey } from "./rotate";

export function registerApiKeyRoutes(router: Router) {
  registerListApiKeys(router);
  registerCreateApiKey(router);
  registerGetApiKey(router);
  registerRotateApiKey(router);
  registerRevokeApiKey(router);
}
