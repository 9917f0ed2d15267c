import type { Router } from "../../http/router";
import { registerCompareReleases } from "./compare";
import { registerGetRelease } from "./get";
import { registerPromoteRelease } from "./promote";

export function registerReleaseRoutes(router: Router) {
  registerGetRelease(router);
  registerCompareReleases(router);
  registerPromoteRelease(router);
}
