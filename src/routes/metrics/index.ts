import type { Router } from "../../http/router";
import { registerGetMetrics } from "./get";

export function registerMetricsRoutes(router: Router) {
  registerGetMetrics(router);
}
