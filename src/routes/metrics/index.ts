import type { Router } from "../router";
import { registerGetMetrics } from "./get";

export function registerMetricsRoutes(router: Router) {
  registerGetMetrics(router);
}
