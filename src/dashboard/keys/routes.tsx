import type { Router } from "../../http/router";

export function registerKeyPages(_app: Router) {}
