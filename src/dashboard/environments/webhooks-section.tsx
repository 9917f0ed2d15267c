import type { EnvironmentView } from "../../environments/environments";
import { ALL_EVENTS, webhookEventTypes } from "../../webhooks/event-types";
import type { WebhookView } from "../../webhooks/webhooks";
import { age } from "../overview-page";
import { PostButton } from "./post-button";
import { TableScroll } from "./table-scroll";

export const webhookPath = (id: string, rest = "") => `/webhooks/${encodeURIComponent(id)}${rest}`;

/** "every event" for `*`, else the types, comma-separated. */
export const eventsText = (events: string[]) => (events.includes(ALL_EVENTS) ? "every event" : events.join(", "));

/** The signing secret of a webhook just created: shown this once, with a copy button. */
export function CreatedWebhookSecret(props: { webhook: WebhookView & { secret: string } }) {
  return (
    <section class="env-created" aria-labelledby="created-webhook">
      <h2 id="created-webhook">Webhook created: copy its signing secret now</h2>
      <p>Your receiver checks each request's signature with this secret (Standard Webhooks). It is shown only this once; if it is lost, delete the webhook and create another.</p>
      <p class="env-secret">
        <code id="webhook-secret">{props.webhook.secret}</code>{" "}
        <button type="button" data-copy="#webhook-secret" hidden>
          Copy secret
        </button>
      </p>
      <p>
        <a href={webhookPath(props.webhook.id)}>Open the webhook and its delivery log</a>
      </p>
      <script type="module" src="/static/copy.js" />
    </section>
  );
}

function CreateWebhookForm(props: { environment: EnvironmentView; csrf: string }) {
  return (
    <form method="post" action={`/environments/${encodeURIComponent(props.environment.name)}/webhooks`} class="env-form">
      <input type="hidden" name="csrf" value={props.csrf} />
      <h3>Add a webhook</h3>
      <label for="webhook-url">Receiver URL</label>
      <input type="url" id="webhook-url" name="url" required maxlength={2048} autocomplete="off" placeholder="https://example.com/hooks/stagecraft" />
      <fieldset>
        <legend>Events to send</legend>
        <div class="env-check">
          <input type="checkbox" id="webhook-event-all" name="events" value={ALL_EVENTS} />
          <label for="webhook-event-all">Every event, including types added later</label>
        </div>
        {webhookEventTypes.map((type) => (
          <div class="env-check">
            <input type="checkbox" id={`webhook-event-${type}`} name="events" value={type} />
            <label for={`webhook-event-${type}`}>
              <code>{type}</code>
            </label>
          </div>
        ))}
        <span class="hint">Tick none to send every event.</span>
      </fieldset>
      <label for="webhook-description">Description (optional)</label>
      <input type="text" id="webhook-description" name="description" maxlength={500} autocomplete="off" />
      <button type="submit">Create webhook</button>
    </form>
  );
}

/** The environment's webhooks with Delete, and a form to add one; for admins of the environment only. */
export function WebhooksSection(props: { environment: EnvironmentView; webhooks: WebhookView[] | null; csrf: string; now: Date }) {
  const env = props.environment;
  return (
    <section class="env-section" aria-labelledby="webhooks">
      <h2 id="webhooks">Webhooks</h2>
      {props.webhooks === null ? (
        <p class="none">Only an admin key of {env.name} can see its webhooks.</p>
      ) : (
        <>
          <p class="hint">Stagecraft POSTs a signed JSON event to each URL when releases, promotions or test runs change in {env.name}.</p>
          {props.webhooks.length === 0 ? (
            <p class="none">No webhook is set.</p>
          ) : (
            <TableScroll label="Webhooks table">
              <table>
                <caption class="hint">Webhooks of {env.name}, newest first</caption>
                <thead>
                  <tr>
                    <th scope="col">Receiver URL</th>
                    <th scope="col">Events</th>
                    <th scope="col">Active</th>
                    <th scope="col">Created</th>
                    <th scope="col">Change</th>
                  </tr>
                </thead>
                <tbody>
                  {props.webhooks.map((hook) => (
                    <tr data-webhook={hook.id}>
                      <th scope="row">
                        <a href={webhookPath(hook.id)}>{hook.url}</a>
                        {hook.description ? <span class="meta">{hook.description}</span> : null}
                      </th>
                      <td>{eventsText(hook.events)}</td>
                      <td>{hook.active ? "Yes" : "No"}</td>
                      <td>
                        <time datetime={hook.created_at}>{age(hook.created_at, props.now)}</time>
                      </td>
                      <td>
                        <PostButton action={webhookPath(hook.id, "/delete")} csrf={props.csrf} class="reject" label={`Delete webhook to ${hook.url}`}>
                          Delete
                        </PostButton>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableScroll>
          )}
          <CreateWebhookForm environment={env} csrf={props.csrf} />
        </>
      )}
    </section>
  );
}
