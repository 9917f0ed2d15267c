import { createRoute } from "@hono/zod-openapi";
import { authenticate, requireAnyScope } from "../../access/authenticate-request";
import { jsonResponse, keySecurity, problems } from "../../http/openapi";
import type { Router } from "../../http/router";
import { idempotent } from "../../idempotency/middleware";
import { unwrap } from "../../lib/result";
import type { RolloutAction } from "../../rollouts/rollout-commands";
import { actOnRollout } from "../../rollouts/rollouts";
import { RolloutParams, RolloutSchema } from "./schemas";

const ACTIONS: Record<RolloutAction, { summary: string; description: string }> = {
  pause: { summary: "Pause a rollout", description: "The split holds its percentage and the guard stops advancing it until resumed." },
  resume: { summary: "Resume a paused rollout", description: "The current step starts over: its duration and executions count from now." },
  advance: { summary: "Advance a rollout now", description: "Moves to the next step at once (after the last one: completes), whatever the guard says." },
  abort: {
    summary: "Abort a rollout",
    description: "Back to the stable release at once: a new release (source `revert`) with the stable content becomes LATEST, and the split ends.",
  },
  complete: { summary: "Complete a rollout", description: "The candidate takes all traffic at once; it already is the newest release, so LATEST stays on it and the split ends." },
};

export function registerRolloutActions(router: Router) {
  for (const [action, text] of Object.entries(ACTIONS) as [RolloutAction, (typeof ACTIONS)[RolloutAction]][]) {
    const route = createRoute({
      method: "post",
      path: `/v1/rollouts/{id}/${action}`,
      tags: ["Rollouts"],
      summary: text.summary,
      description: `${text.description} Needs \`promote\` in the rollout's environment. Accepts \`Idempotency-Key\`.`,
      security: keySecurity,
      middleware: [authenticate, requireAnyScope("promote"), idempotent] as const,
      request: { params: RolloutParams },
      responses: { 200: jsonResponse(RolloutSchema, "The rollout after the change"), ...problems(400, 401, 403, 404, 409) },
    });
    router.openapi(route, async (c) => c.json(unwrap(await actOnRollout(c.get("deps"), c.get("principal"), c.req.valid("param").id, action)), 200));
  }
}
