import type { Router } from "../../http/router";
import { findDeployment } from "../../releases/deployment-repository";
import { promoteRelease } from "../../releases/promote";
import { getRelease } from "../../releases/read-releases";
import { revertDeployment } from "../../releases/revert";
import { action, field, fields, notFound, page, param } from "../pages";
import { readComparison } from "./compare";
import { ComparePage } from "./compare-page";
import { DeploymentPage } from "./deployment-page";
import { readDeploymentHistory } from "./history";
import { readOutcome, refusalCode } from "./outcome";
import { readPromotePlan } from "./promote";
import { PromotePage } from "./promote-page";
import { readReleaseDetails } from "./release";
import { ReleasePage } from "./release-page";
import { deploymentHref } from "./release-parts";
import { readRevertPlan } from "./revert";
import { RevertPage } from "./revert-page";
import { registerRolloutPages } from "./rollout-routes";
import { readDeploymentRollouts } from "./rollouts";

const withQuery = (path: string, query: [string, string][]) => (query.length ? `${path}?${new URLSearchParams(query).toString()}` : path);

/** The deployment, release, compare, promote, revert and rollout pages. */
export function registerDeploymentPages(app: Router) {
  registerRolloutPages(app);
  page(app, "/deployments/:name", async (c, signedIn) => {
    const deps = c.get("deps");
    const history = await readDeploymentHistory(deps, signedIn.principal, param(c, "name"));
    if (!history) return notFound(c, signedIn);
    const outcome = await readOutcome(deps, signedIn.principal, {
      released: c.req.queries("released") ?? [],
      requested: c.req.queries("requested") ?? [],
      reverted: c.req.queries("reverted") ?? [],
      rollout: c.req.query("rollout"),
      refused: c.req.query("refused"),
    });
    const rollouts = await readDeploymentRollouts(deps, signedIn.principal, history.deployment.id);
    return c.html(<DeploymentPage history={history} rollouts={rollouts} outcome={outcome} signedIn={signedIn} now={deps.now()} />);
  });

  page(app, "/releases/:id", async (c, signedIn) => {
    const deps = c.get("deps");
    const details = await readReleaseDetails(deps, signedIn.principal, param(c, "id"));
    if (!details) return notFound(c, signedIn);
    return c.html(<ReleasePage details={details} signedIn={signedIn} now={deps.now()} />);
  });

  page(app, "/releases/:id/compare", async (c, signedIn) => {
    const deps = c.get("deps");
    const to = c.req.query("to");
    const comparison = to ? await readComparison(deps, signedIn.principal, param(c, "id"), to) : null;
    if (!comparison) return notFound(c, signedIn);
    return c.html(<ComparePage comparison={comparison} signedIn={signedIn} now={deps.now()} />);
  });

  page(app, "/releases/:id/promote", async (c, signedIn) => {
    const deps = c.get("deps");
    const plan = await readPromotePlan(deps, signedIn.principal, param(c, "id"));
    if (!plan) return notFound(c, signedIn);
    return c.html(<PromotePage plan={plan} signedIn={signedIn} now={deps.now()} />, plan.targets.length ? 200 : 403);
  });

  action(app, "/releases/:id/promote", async (c, signedIn, form) => {
    const deps = c.get("deps");
    const id = param(c, "id");
    const release = await getRelease(deps, signedIn.principal, id);
    if (!release.ok) return notFound(c, signedIn);
    const chosen = fields(form, "environments");
    if (chosen.length === 0) {
      const plan = await readPromotePlan(deps, signedIn.principal, id);
      if (!plan) return notFound(c, signedIn);
      return c.html(<PromotePage plan={plan} signedIn={signedIn} now={deps.now()} error="Choose at least one environment to promote into." />, 422);
    }
    const description = field(form, "description").slice(0, 1000);
    const result = await promoteRelease(deps, signedIn.principal, id, { environments: chosen, description: description || undefined }, undefined);
    const deployment = await findDeployment(deps.db, signedIn.principal.workspaceId, release.value.deployment_id);
    const back = deploymentHref(deployment?.name ?? release.value.deployment_id);
    if (!result.ok) return c.redirect(withQuery(back, [["refused", refusalCode(result.error.code)]]), 303);
    const query = result.value.results.flatMap((r): [string, string][] =>
      r.status === "released" ? [["released", r.release.id]] : r.status === "pending_approval" ? [["requested", r.promotion_request.id]] : [],
    );
    return c.redirect(withQuery(back, query), 303);
  });

  const revertPath = "/deployments/:name/environments/:environment/revert";

  page(app, revertPath, async (c, signedIn) => {
    const deps = c.get("deps");
    const plan = await readRevertPlan(deps, signedIn.principal, param(c, "name"), param(c, "environment"));
    if (!plan) return notFound(c, signedIn);
    return c.html(<RevertPage plan={plan} signedIn={signedIn} now={deps.now()} />, !plan.restored ? 409 : plan.mayRevert ? 200 : 403);
  });

  action(app, revertPath, async (c, signedIn, form) => {
    const deps = c.get("deps");
    const name = param(c, "name");
    const environment = param(c, "environment");
    const plan = await readRevertPlan(deps, signedIn.principal, name, environment);
    if (!plan) return notFound(c, signedIn);
    const back = deploymentHref(plan.deployment.name);
    const releaseId = field(form, "release_id") || undefined;
    const liveReleaseId = field(form, "live_release_id") || undefined;
    const result = await revertDeployment(deps, signedIn.principal, plan.deployment.id, plan.environment.name, releaseId, liveReleaseId);
    if (!result.ok) return c.redirect(withQuery(back, [["refused", refusalCode(result.error.code)]]), 303);
    return c.redirect(withQuery(back, [["reverted", result.value.id]]), 303);
  });
}
