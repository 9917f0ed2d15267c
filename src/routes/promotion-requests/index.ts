import type { Router } from "../../http/router";
import { registerApprovePromotionRequest } from "./approve";
import { registerGetPromotionRequest } from "./get";
import { registerListPromotionRequests } from "./list";
import { registerRejectPromotionRequest } from "./reject";

export function registerPromotionRequestRoutes(router: Router) {
  registerApprovePromotionRequest(router);
  registerRejectPromotionRequest(router);
  registerListPromotionRequests(router);
  registerGetPromotionRequest(router);
}
