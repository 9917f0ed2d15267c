import type { Router } from "../../http/router";

export function registerMonitoringPages(_app: Router) {}
