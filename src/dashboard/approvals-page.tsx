import type { Router } from "../http/router";
import { decidePromotion } from "../releases/promotion-requests";
import { type ApprovalItem, readApprovals } from "./approvals";
import { Layout, type SignedIn } from "./layout";
import { age } from "./overview-page";
import { action, field, page, param } from "./pages";

/** The messages a redirect back to /approvals may name; anything else in the query is ignored. */
export const DONE_MESSAGES = {
  approved: "Your approval was recorded.",
  rejected: "The promotion request was rejected.",
} as const;
export type Done = keyof typeof DONE_MESSAGES;

/** Fixed messages for the refusals a decision can meet, by problem code: the query names a code, never the text shown. */
export const REFUSALS: Record<string, string> = {
  SELF_APPROVAL: "Refused: the requester of a promotion cannot approve it.",
  ALREADY_APPROVED: "Refused: this key has already approved that promotion request.",
  PROMOTION_REQUEST_CLOSED: "Refused: that promotion request is no longer open for decisions.",
  INSUFFICIENT_SCOPE: "Refused: this key may not approve promotions in that environment.",
  NOT_FOUND: "Refused: no such promotion request is visible to this key.",
  OTHER: "Refused: the decision could not be recorded.",
};

function DecisionForm(props: { item: ApprovalItem; decision: "approve" | "reject"; csrf: string }) {
  const { id } = props.item.request;
  const field = `comment-${props.decision}-${id}`;
  const label = props.decision === "approve" ? "Approve" : "Reject";
  return (
    <form method="post" action={`/approvals/${encodeURIComponent(id)}/${props.decision}`} class="decision">
      <input type="hidden" name="csrf" value={props.csrf} />
      <label for={field}>{`${label} comment`}</label>
      <input type="text" id={field} name="comment" maxlength={1000} autocomplete="off" />
      <button
        type="submit"
        class={props.decision === "reject" ? "reject" : undefined}
        aria-label={`${label} promotion of ${props.item.deploymentName} to ${props.item.request.environment}`}
      >
        {label}
      </button>
    </form>
  );
}

/** Open promotion requests the key may see, with Approve and Reject where it may decide. */
export function ApprovalsPage(props: { items: ApprovalItem[]; signedIn: SignedIn; now: Date; done?: Done | undefined; error?: string | undefined }) {
  return (
    <Layout title="Approvals" current="/approvals" signedIn={props.signedIn}>
      <h1>Approvals</h1>
      {props.done ? (
        <p class="notice" role="status">
          {DONE_MESSAGES[props.done]}
        </p>
      ) : null}
      {props.error ? (
        <p class="error" role="alert">
          {props.error}
        </p>
      ) : null}
      {props.items.length === 0 ? (
        <p>No promotion request is waiting.</p>
      ) : (
        <table>
          <caption class="hint">Promotion requests waiting for approvals or for their release</caption>
          <thead>
            <tr>
              <th scope="col">Deployment</th>
              <th scope="col">Release</th>
              <th scope="col">Target</th>
              <th scope="col">Requested by</th>
              <th scope="col">Approvals</th>
              <th scope="col">Age</th>
              <th scope="col">Decision</th>
            </tr>
          </thead>
          <tbody>
            {props.items.map((item) => {
              const { request } = item;
              return (
                <tr data-request={request.id} data-status={request.status}>
                  <th scope="row">{item.deploymentName}</th>
                  <td>
                    {item.releaseVersion === null ? null : <span class="version">v{item.releaseVersion}</span>}
                    <span class="meta">{request.release_id}</span>
                  </td>
                  <td>{request.environment}</td>
                  <td>{item.requestedBy}</td>
                  <td>
                    {request.approvals.length} of {request.required_approvals}
                    {item.approvedBy.length ? <span class="meta">by {item.approvedBy.join(", ")}</span> : null}
                    {request.status === "approved" ? <span class="pending waiting">approved, waiting: {request.blocked_reason ?? "blocked"}</span> : null}
                  </td>
                  <td>
                    <time datetime={request.created_at}>{age(request.created_at, props.now)}</time>
                  </td>
                  <td>
                    {item.canDecide ? (
                      <div class="decisions">
                        <DecisionForm item={item} decision="approve" csrf={props.signedIn.csrf} />
                        <DecisionForm item={item} decision="reject" csrf={props.signedIn.csrf} />
                      </div>
                    ) : (
                      <span class="none">{request.status === "approved" ? "Nothing to decide" : "You may not decide this request"}</span>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </Layout>
  );
}

export function registerApprovalPages(app: Router) {
  page(app, "/approvals", async (c, signedIn) => {
    const deps = c.get("deps");
    const items = await readApprovals(deps, signedIn.principal);
    const done = c.req.query("done");
    const refused = c.req.query("refused");
    const error = !items.ok ? items.error.detail : refused !== undefined ? (REFUSALS[refused] ?? REFUSALS.OTHER) : undefined;
    return c.html(
      <ApprovalsPage
        items={items.ok ? items.value : []}
        signedIn={signedIn}
        now={deps.now()}
        done={done !== undefined && done in DONE_MESSAGES ? (done as Done) : undefined}
        error={error}
      />,
      items.ok ? 200 : 403,
    );
  });

  action(app, "/approvals/:id/:decision{approve|reject}", async (c, signedIn, form) => {
    const comment = field(form, "comment").slice(0, 1000);
    const decision = param(c, "decision") === "approve" ? "approve" : "reject";
    const result = await decidePromotion(c.get("deps"), signedIn.principal, param(c, "id"), decision, comment);
    if (!result.ok) return c.redirect(`/approvals?refused=${encodeURIComponent(result.error.code in REFUSALS ? result.error.code : "OTHER")}`, 303);
    return c.redirect(`/approvals?done=${decision === "approve" ? "approved" : "rejected"}`, 303);
  });
}
