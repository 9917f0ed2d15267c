import type { Router } from "../../http/router";
import { CreateWebhookBody } from "../../routes/webhooks/schemas";
import { createWebhook, getWebhook, redeliver, removeWebhook } from "../../webhooks/webhooks";
import { action, field, fields, notFound, param } from "../pages";
import { environmentPath, renderEnvironmentPage } from "./environment-page";
import { validate } from "./form-issues";
import { refusedCode } from "./messages";
import { webhookPath } from "./webhooks-section";

/**
 * Create, delete and redeliver, through the same functions as POST
 * /v1/webhooks, DELETE /v1/webhooks/{id} and POST …/redeliver. Creation
 * answers the page itself: the signing secret it shows once cannot travel
 * through a redirect.
 */
export function registerWebhookActions(app: Router) {
  action(app, "/environments/:name/webhooks", async (c, signedIn, form) => {
    const name = param(c, "name");
    const events = fields(form, "events");
    const description = field(form, "description");
    const input = validate(CreateWebhookBody, { url: field(form, "url"), ...(events.length > 0 ? { events } : {}), ...(description ? { description } : {}) });
    if (!input.ok) return renderEnvironmentPage(c, signedIn, name, { failure: input.error });
    const created = await createWebhook(c.get("deps"), signedIn.principal, name, input.value);
    if (!created.ok) return renderEnvironmentPage(c, signedIn, name, { failure: created.error });
    return renderEnvironmentPage(c, signedIn, name, { createdWebhook: created.value });
  });

  action(app, "/webhooks/:id/delete", async (c, signedIn) => {
    const removed = await removeWebhook(c.get("deps"), signedIn.principal, param(c, "id"));
    if (!removed.ok)
      return removed.error.code === "NOT_FOUND" ? notFound(c, signedIn) : c.redirect(`${webhookPath(param(c, "id"))}?refused=${refusedCode(removed.error.code)}`, 303);
    return c.redirect(`${environmentPath(removed.value.environment)}?done=webhook-deleted#webhooks`, 303);
  });

  action(app, "/webhooks/:id/deliveries/:delivery/redeliver", async (c, signedIn) => {
    const deps = c.get("deps");
    const id = param(c, "id");
    const sent = await redeliver(deps, signedIn.principal, id, param(c, "delivery"));
    // A delivery of a webhook the key may not see is the 404 page; any other refusal is named on the webhook's page.
    if (!sent.ok && sent.error.code === "NOT_FOUND" && !(await getWebhook(deps, signedIn.principal, id)).ok) return notFound(c, signedIn);
    return c.redirect(`${webhookPath(id)}?${sent.ok ? "done=redelivered" : `refused=${refusedCode(sent.error.code)}`}`, 303);
  });
}
