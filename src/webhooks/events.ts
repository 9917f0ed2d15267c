import type { Deps } from "../context";
import { BoundedMap } from "../lib/bounded-map";
import type { CommandOutcome } from "../releases/release-commands";
import { environmentNames, promotionRequestView, releaseView } from "../releases/views";
import { rolloutView } from "../rollouts/views";
import { type WebhookEventType, webhookEventTypes } from "./event-types";

/** An event as its producer describes it, before it gets its id and time. */
export interface WebhookEventInput {
  type: WebhookEventType;
  workspaceId: string;
  environment: { id: string; name: string };
  data: Record<string, unknown>;
}

/**
 * Environment names by id, remembered per isolate: a name never changes and
 * an id is never reused, so an entry cannot go stale. Saves a D1 read per
 * command on the coordinator's path.
 */
const knownNames = new BoundedMap<string, string>(1_000);

async function namesOf(db: Deps["db"], workspaceId: string, environmentIds: string[]): Promise<Pick<Map<string, string>, "get">> {
  if (environmentIds.every((id) => knownNames.has(id))) return knownNames;
  const fresh = await environmentNames(db, workspaceId);
  for (const [id, name] of fresh) knownNames.set(id, name);
  return fresh;
}

/** What a command's audit action says about the promotion requests it touched. */
const PROMOTION_REQUEST_EVENTS: Partial<Record<string, WebhookEventType>> = {
  "release.promoted": "promotion.requested",
  "promotion.approved": "promotion.approved",
  "promotion.executed": "promotion.approved",
  "promotion.rejected": "promotion.rejected",
};

/** What a command's audit action says about the releases it created, besides `release.created`. */
const RELEASE_EVENTS: Partial<Record<string, WebhookEventType>> = {
  "release.promoted": "release.promoted",
  "promotion.executed": "release.promoted",
  "release.reverted": "release.reverted",
  "rollout.started": "release.promoted",
  "rollout.rolled_back": "release.reverted",
  "rollout.aborted": "release.reverted",
};

/** What a command's audit action says about the rollouts it touched: every transition is its own event. */
function rolloutEvent(action: string): WebhookEventType | undefined {
  if (action === "promotion.executed") return "rollout.started";
  return (webhookEventTypes as readonly string[]).includes(action) && action.startsWith("rollout.") ? (action as WebhookEventType) : undefined;
}

/**
 * The webhook events a release or approval command produces, derived from
 * its audit action and planned outcome before the commit, so that they go
 * into the outbox in the command's own batch (see outbox.ts):
 *
 * - every new release → `release.created`, plus `release.promoted` or
 *   `release.reverted` when it came from a promotion or a revert;
 * - a promotion that waits for approval → `promotion.requested`;
 * - an approval → `promotion.approved` (the approval that executes the
 *   promotion also creates and promotes its release); a rejection →
 *   `promotion.rejected`. Expiry and tag moves send nothing.
 */
export async function commandEvents(db: Deps["db"], workspaceId: string, action: string, outcome: CommandOutcome): Promise<WebhookEventInput[]> {
  const promotionRequestEvent = PROMOTION_REQUEST_EVENTS[action];
  const releaseEvent = RELEASE_EVENTS[action];
  const createsReleases = action === "release.deployed" || releaseEvent !== undefined;
  const rolloutType = outcome.rollouts?.length ? rolloutEvent(action) : undefined;
  if (!createsReleases && !promotionRequestEvent && !rolloutType) return [];

  const names = await namesOf(
    db,
    workspaceId,
    [...outcome.releases, ...outcome.promotionRequests, ...(outcome.rollouts ?? [])].map((r) => r.environmentId),
  );
  const environment = (id: string) => ({ id, name: names.get(id) ?? "" });
  const deployment = { id: outcome.deployment.id, name: outcome.deployment.name, kind: outcome.deployment.kind };
  const releases = new Map(
    outcome.releases.map((r) => [
      r.id,
      releaseView(
        r,
        environment(r.environmentId).name,
        outcome.tags.filter((t) => t.releaseId === r.id).map((t) => t.name),
      ),
    ]),
  );
  const events: WebhookEventInput[] = [];
  if (promotionRequestEvent) {
    for (const request of outcome.promotionRequests) {
      const env = environment(request.environmentId);
      const release = request.resultReleaseId ? (releases.get(request.resultReleaseId) ?? null) : null;
      events.push({ type: promotionRequestEvent, workspaceId, environment: env, data: { deployment, promotion_request: promotionRequestView(request, env.name), release } });
    }
  }
  if (rolloutType) {
    for (const rollout of outcome.rollouts ?? []) {
      const env = environment(rollout.environmentId);
      events.push({ type: rolloutType, workspaceId, environment: env, data: { deployment, rollout: rolloutView(rollout, env.name) } });
    }
  }
  if (createsReleases) {
    for (const row of outcome.releases) {
      const data = { deployment, release: releases.get(row.id)! };
      events.push({ type: "release.created", workspaceId, environment: environment(row.environmentId), data });
      if (releaseEvent) events.push({ type: releaseEvent, workspaceId, environment: environment(row.environmentId), data });
    }
  }
  return events;
}
