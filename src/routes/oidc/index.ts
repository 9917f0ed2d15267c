import type { Router } from "../../http/router";
import { registerCreateTrustPolicy } from "./create";
import { registerDeleteTrustPolicy } from "./delete";
import { registerExchangeOidcToken } from "./exchange-token";
import { registerGetTrustPolicy } from "./get";
import { registerListTrustPolicies } from "./list";
import { registerUpdateTrustPolicy } from "./update";

/** OIDC for CI: the workspace's trust policies, and the token exchange CI runs call. */
export function registerOidcRoutes(router: Router) {
  registerListTrustPolicies(router);
  registerCreateTrustPolicy(router);
  registerGetTrustPolicy(router);
  registerUpdateTrustPolicy(router);
  registerDeleteTrustPolicy(router);
  registerExchangeOidcToken(router);
}
