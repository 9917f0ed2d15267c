import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createWorkspace } from "../harness";
import { deployedWorkspace } from "../lifecycle/fixtures";
import { call, FORM, post, signIn } from "./browser-session";

async function promotionRow(id: string) {
  return env.DB.prepare("SELECT status, approvals, result_release_id FROM promotion_requests WHERE id = ?")
    .bind(id)
    .first<{ status: string; approvals: string; result_release_id: string | null }>();
}

/** Posts a decision form the way the page's form does, with the session's CSRF token read from the page. */
const decideThroughPage = (cookie: string, id: string, decision: "approve" | "reject", comment: string) => post(cookie, "/approvals", `/approvals/${id}/${decision}`, { comment });

describe("dashboard approvals", () => {
  it("offers decisions only to approvers who did not request, refuses forged posts, and releases once after two approvals", async () => {
    const ws = await createWorkspace();
    const { releases } = await deployedWorkspace(ws);
    const staging = releases.find((r) => r.environment === "staging")!;
    expect((await call("/v1/environments/production", { method: "PATCH", key: ws.adminKey, body: { required_approvals: 2 } })).status).toBe(200);

    // The requester holds `approve` too, so only being the requester keeps the buttons away.
    const requester = await ws.key({ scopes: ["read", "promote", "approve"], name: "requester" });
    const promoted = await call(`/v1/releases/${staging.id}/promote`, { key: requester.key, body: { environments: ["production"] } });
    expect(promoted.status).toBeLessThan(300);
    const id: string = promoted.body.results[0].promotion_request.id;
    expect(promoted.body.results[0].status).toBe("pending_approval");

    const requesterCookie = await signIn(requester.key);
    const own = await call("/approvals", { headers: { cookie: requesterCookie } });
    expect(own.status).toBe(200);
    expect(own.body).toContain(`data-request="${id}"`);
    expect(own.body).toContain("0 of 2");
    expect(own.body).toContain("production");
    expect(own.body).not.toContain(`action="/approvals/${id}/approve"`);
    expect(own.body).not.toContain(`action="/approvals/${id}/reject"`);
    expect(own.body).toMatch(/Approvals<span class="count"> \(1 pending\)/);

    // A forged approval from the requester's own session, with its valid CSRF token: refused, nothing changes.
    const before = await promotionRow(id);
    const forged = await decideThroughPage(requesterCookie, id, "approve", "self");
    expect(forged.status).toBe(303);
    expect(forged.headers.get("location")).toBe("/approvals?refused=SELF_APPROVAL");
    expect(await promotionRow(id)).toEqual(before);
    const shown = await call(forged.headers.get("location")!, { headers: { cookie: requesterCookie } });
    expect(shown.body).toContain("Refused: the requester of a promotion cannot approve it.");

    const first = await ws.key({ scopes: ["approve", "read"], name: "approver one" });
    const second = await ws.key({ scopes: ["approve", "read"], name: "approver two" });
    const firstCookie = await signIn(first.key);
    const secondCookie = await signIn(second.key);

    // Another key's session without the CSRF token: refused, nothing changes.
    const noToken = await call(`/approvals/${id}/approve`, { method: "POST", rawBody: "comment=lgtm", headers: { ...FORM, cookie: firstCookie } });
    expect(noToken.status).toBe(403);
    expect(await promotionRow(id)).toEqual(before);

    const offered = await call("/approvals", { headers: { cookie: firstCookie } });
    expect(offered.body).toContain(`action="/approvals/${id}/approve"`);
    expect(offered.body).toContain(`action="/approvals/${id}/reject"`);
    expect(offered.body).toMatch(/<label for="comment-approve-[^"]+">Approve comment<\/label>/);

    const one = await decideThroughPage(firstCookie, id, "approve", "<b>looks good</b>");
    expect(one.headers.get("location")).toBe("/approvals?done=approved");
    expect((await promotionRow(id))?.status).toBe("pending");
    const half = await call("/approvals?done=approved", { headers: { cookie: secondCookie } });
    expect(half.body).toContain("1 of 2");
    expect(half.body).toContain("Your approval was recorded.");

    // The same approver again is refused; the page says so.
    const again = await decideThroughPage(firstCookie, id, "approve", "again");
    expect(again.headers.get("location")).toBe("/approvals?refused=ALREADY_APPROVED");

    const two = await decideThroughPage(secondCookie, id, "approve", "ship it");
    expect(two.headers.get("location")).toBe("/approvals?done=approved");
    const after = await promotionRow(id);
    expect(after?.status).toBe("executed");
    expect(after?.result_release_id).toBeTruthy();

    const production = await call(`/v1/deployments/faq/releases?environment=production`, { key: ws.adminKey });
    expect(production.status).toBe(200);
    expect(production.body.data).toHaveLength(1);
    expect(production.body.data[0].id).toBe(after?.result_release_id);

    // Executed requests leave the page; a late decision is refused without a crash.
    const late = await decideThroughPage(secondCookie, id, "reject", "too late");
    expect(late.headers.get("location")).toBe("/approvals?refused=PROMOTION_REQUEST_CLOSED");
    const empty = await call("/approvals", { headers: { cookie: secondCookie } });
    expect(empty.body).toContain("No promotion request is waiting.");
  });

  it("escapes the query and ignores unknown messages", async () => {
    const ws = await createWorkspace();
    const cookie = await signIn(ws.adminKey);
    const page = await call(`/approvals?done=${encodeURIComponent("<script>x</script>")}&refused=${encodeURIComponent("<img src=x>")}`, { headers: { cookie } });
    expect(page.status).toBe(200);
    expect(page.body).not.toContain("<script>");
    expect(page.body).not.toContain("<img");
    expect(page.body).toContain("Refused: the decision could not be recorded.");
  });
});
