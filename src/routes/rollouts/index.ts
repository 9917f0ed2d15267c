import type { Router } from "../../http/router";
import { registerRolloutActions } from "./act";
import { registerGetRollout } from "./get";
import { registerListRollouts } from "./list";
import { registerCancelScheduledRelease, registerGetScheduledRelease, registerListScheduledReleases } from "./scheduled";
import { registerStartRollout } from "./start";

export function registerRolloutRoutes(router: Router) {
  registerStartRollout(router);
  registerListRollouts(router);
  registerGetRollout(router);
  registerRolloutActions(router);
  registerListScheduledReleases(router);
  registerGetScheduledRelease(router);
  registerCancelScheduledRelease(router);
}
