import type { Router } from "../../http/router";
import { type DeliveryView, getWebhook, listDeliveriesFor, type WebhookView } from "../../webhooks/webhooks";
import { keyName, keyNames } from "../key-names";
import { Layout, type SignedIn } from "../layout";
import { age } from "../overview-page";
import { notFound, page, param } from "../pages";
import { environmentPath, RefusedPage } from "./environment-page";
import { noticeOf } from "./messages";
import { Notices } from "./notices";
import { PostButton } from "./post-button";
import { TableScroll } from "./table-scroll";
import { eventsText, webhookPath } from "./webhooks-section";

/** Deliveries per page of the log. */
const PAGE_SIZE = 25;

/** The last attempt's outcome: the receiver's status code, or the error when none came. */
function lastResponse(delivery: DeliveryView) {
  const last = delivery.attempts.at(-1);
  if (!last) return <span class="none">not attempted yet</span>;
  if (last.status !== null) return <span class={last.status >= 200 && last.status < 300 ? undefined : "error"}>{last.status}</span>;
  return <span class="error">{last.error ?? "no response"}</span>;
}

function RedeliverForm(props: { webhook: WebhookView; delivery: DeliveryView; csrf: string }) {
  if (props.delivery.status === "pending") return <span class="none">being attempted</span>;
  if (!props.webhook.active) return <span class="none">webhook inactive</span>;
  return (
    <PostButton
      action={webhookPath(props.webhook.id, `/deliveries/${encodeURIComponent(props.delivery.id)}/redeliver`)}
      csrf={props.csrf}
      label={`Redeliver ${props.delivery.event_type} event ${props.delivery.event_id}`}
    >
      Redeliver
    </PostButton>
  );
}

/** A webhook and its delivery log, newest first, each delivery with Redeliver once it has ended. */
export function WebhookPage(props: {
  webhook: WebhookView;
  deliveries: DeliveryView[];
  nextCursor: string | null;
  /** The name of the key that created the webhook (its id when unknown). */
  createdBy: string;
  signedIn: SignedIn;
  now: Date;
  done?: string | undefined;
  error?: string | undefined;
}) {
  const { webhook } = props;
  const { csrf } = props.signedIn;
  return (
    <Layout title="Webhook" current="/environments" signedIn={props.signedIn}>
      <p class="env-crumbs">
        <a href="/environments">Environments</a> / <a href={environmentPath(webhook.environment)}>{webhook.environment}</a> / webhook
      </p>
      <h1>Webhook to {webhook.url}</h1>
      <Notices done={props.done} error={props.error} />
      <dl class="env-facts">
        <dt>Environment</dt>
        <dd>
          <a href={`${environmentPath(webhook.environment)}#webhooks`}>{webhook.environment}</a>
        </dd>
        <dt>Events</dt>
        <dd>{eventsText(webhook.events)}</dd>
        <dt>Active</dt>
        <dd>{webhook.active ? "Yes" : "No: nothing is sent to it"}</dd>
        {webhook.description ? (
          <>
            <dt>Description</dt>
            <dd>{webhook.description}</dd>
          </>
        ) : null}
        <dt>Created</dt>
        <dd>
          <time datetime={webhook.created_at}>{age(webhook.created_at, props.now)}</time> by {props.createdBy}
        </dd>
      </dl>
      <PostButton action={webhookPath(webhook.id, "/delete")} csrf={csrf} class="reject">
        Delete this webhook
      </PostButton>
      <section class="env-section" aria-labelledby="deliveries">
        <h2 id="deliveries">Delivery log</h2>
        <p class="hint">Every event sent to this URL. A failed attempt is retried with growing waits; Redeliver sends an ended delivery again with the same event id.</p>
        {props.deliveries.length === 0 ? (
          <p class="none">Nothing has been sent yet.</p>
        ) : (
          <TableScroll label="Delivery log table">
            <table>
              <caption class="hint">Deliveries, newest first</caption>
              <thead>
                <tr>
                  <th scope="col">Event</th>
                  <th scope="col">Status</th>
                  <th scope="col">Attempts</th>
                  <th scope="col">Last response</th>
                  <th scope="col">When</th>
                  <th scope="col">Send again</th>
                </tr>
              </thead>
              <tbody>
                {props.deliveries.map((delivery) => (
                  <tr data-delivery={delivery.id} data-status={delivery.status}>
                    <th scope="row">
                      <code>{delivery.event_type}</code>
                      <details>
                        <summary>Payload</summary>
                        <pre class="env-json">{JSON.stringify(delivery.payload, null, 2)}</pre>
                      </details>
                    </th>
                    <td>{delivery.status}</td>
                    <td>{delivery.attempts.length}</td>
                    <td>{lastResponse(delivery)}</td>
                    <td>
                      <time datetime={delivery.created_at}>{age(delivery.created_at, props.now)}</time>
                      {delivery.delivered_at ? <span class="meta">delivered {age(delivery.delivered_at, props.now)}</span> : null}
                    </td>
                    <td>
                      <RedeliverForm webhook={webhook} delivery={delivery} csrf={csrf} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableScroll>
        )}
        {props.nextCursor ? (
          <p>
            <a href={`${webhookPath(webhook.id)}?cursor=${encodeURIComponent(props.nextCursor)}`}>Older deliveries</a>
          </p>
        ) : null}
      </section>
    </Layout>
  );
}

export function registerWebhookPage(app: Router) {
  page(app, "/webhooks/:id", async (c, signedIn) => {
    const deps = c.get("deps");
    const id = param(c, "id");
    const webhook = await getWebhook(deps, signedIn.principal, id);
    if (!webhook.ok) return webhook.error.code === "NOT_FOUND" ? notFound(c, signedIn) : c.html(<RefusedPage signedIn={signedIn} detail={webhook.error.detail} />, 403);
    const [deliveries, names] = await Promise.all([
      listDeliveriesFor(deps, signedIn.principal, id, { cursor: c.req.query("cursor"), limit: PAGE_SIZE }),
      keyNames(deps, signedIn.principal, [webhook.value.created_by]),
    ]);
    const notice = noticeOf({ done: c.req.query("done"), refused: c.req.query("refused") });
    return c.html(
      <WebhookPage
        webhook={webhook.value}
        deliveries={deliveries.ok ? deliveries.value.data : []}
        nextCursor={deliveries.ok ? deliveries.value.next_cursor : null}
        createdBy={keyName(names, webhook.value.created_by)}
        signedIn={signedIn}
        now={deps.now()}
        done={notice.done}
        error={deliveries.ok ? notice.error : deliveries.error.detail}
      />,
      deliveries.ok ? 200 : 400,
    );
  });
}
