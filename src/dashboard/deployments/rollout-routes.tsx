import type { Context } from "hono";
import type { AppEnv } from "../../context";
import type { Router } from "../../http/router";
import { problemCatalog } from "../../lib/problem";
import { findDeployment } from "../../releases/deployment-repository";
import type { RolloutAction } from "../../rollouts/rollout-commands";
import { actOnRollout, findReadableRollout, startRollout } from "../../rollouts/rollouts";
import { action, type CurrentSession, notFound, page, param } from "../pages";
import { type RolloutDone, refusalCode } from "./outcome";
import { deploymentHref } from "./release-parts";
import { DEFAULT_FORM, type RolloutFormValues, readRolloutStartPlan, rolloutBody, rolloutFormValues } from "./rollout-start";
import { RolloutStartPage } from "./rollout-start-page";

/** Each control of a rollout panel and the fixed message after it. */
const ACTIONS: Record<RolloutAction, RolloutDone> = { pause: "paused", resume: "resumed", advance: "advanced", abort: "aborted", complete: "completed" };

async function renderStart(c: Context<AppEnv>, signedIn: CurrentSession, values: RolloutFormValues, error?: { detail: string; status: 400 | 403 | 409 | 422 }) {
  const deps = c.get("deps");
  const plan = await readRolloutStartPlan(deps, signedIn.principal, param(c, "id"));
  if (!plan) return notFound(c, signedIn);
  const status = error?.status ?? (plan.targets.length ? 200 : 403);
  return c.html(
    <RolloutStartPage
      plan={plan}
      values={{ ...values, environment: values.environment || (plan.targets[0]?.environment.name ?? "") }}
      signedIn={signedIn}
      now={deps.now()}
      error={error?.detail}
    />,
    status,
  );
}

/** The start-a-rollout page of a release, and the controls of a running rollout (pause, resume, advance, abort, complete). */
export function registerRolloutPages(app: Router) {
  page(app, "/releases/:id/rollout", (c, signedIn) => renderStart(c, signedIn, DEFAULT_FORM));

  action(app, "/releases/:id/rollout", async (c, signedIn, form) => {
    const deps = c.get("deps");
    const plan = await readRolloutStartPlan(deps, signedIn.principal, param(c, "id"));
    if (!plan) return notFound(c, signedIn);
    const values = rolloutFormValues(form);
    const body = rolloutBody(plan.details.release.id, values);
    if (!body.success) {
      const issues = body.error.issues.map((issue) => `${issue.path.join(".") || "form"}: ${issue.message}`).join("; ");
      return renderStart(c, signedIn, values, { detail: `The form is not valid (${issues}).`, status: 422 });
    }
    const result = await startRollout(deps, signedIn.principal, plan.details.deployment.id, values.environment, body.data);
    if (!result.ok) {
      if (result.error.code === "NOT_FOUND") return notFound(c, signedIn);
      const status = problemCatalog[result.error.code].status;
      return renderStart(c, signedIn, values, { detail: result.error.detail, status: status === 400 || status === 403 || status === 422 ? status : 409 });
    }
    const back = deploymentHref(plan.details.deployment.name);
    if (result.value.status === "pending_approval") return c.redirect(`${back}?requested=${encodeURIComponent(result.value.promotion_request.id)}`, 303);
    return c.redirect(`${back}?rollout=started`, 303);
  });

  for (const [verb, done] of Object.entries(ACTIONS) as [RolloutAction, RolloutDone][]) {
    action(app, `/rollouts/:id/${verb}`, async (c, signedIn) => {
      const deps = c.get("deps");
      const found = await findReadableRollout(deps, signedIn.principal, param(c, "id"));
      if (!found.ok) return notFound(c, signedIn);
      const deployment = await findDeployment(deps.db, signedIn.principal.workspaceId, found.value.row.deploymentId);
      const back = deploymentHref(deployment?.name ?? found.value.row.deploymentId);
      const result = await actOnRollout(deps, signedIn.principal, found.value.row.id, verb);
      if (!result.ok) return c.redirect(`${back}?refused=${refusalCode(result.error.code)}`, 303);
      return c.redirect(`${back}?rollout=${done}`, 303);
    });
  }
}
