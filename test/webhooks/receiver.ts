import { env, exports } from "cloudflare:workers";
import { vi } from "vitest";
import { call, type TestWorkspace } from "../harness";

/** Where test webhooks point: a host that exists only in the fetch spy below. */
export const RECEIVER = "https://hooks.test";

/** A request the fake receiver got, read when it arrived. */
export interface ReceivedRequest {
  url: string;
  headers: Headers;
  body: string;
}

/**
 * Replaces the network beyond the Worker: requests to the test server go to
 * the Worker itself, requests to the receiver host to `respond` (called with
 * the request and how many the receiver has had, from 1). Anything else fails loudly.
 */
export function mockReceiver(respond: (request: Request, count: number) => Response | Promise<Response> = () => new Response(null, { status: 204 })) {
  const received: ReceivedRequest[] = [];
  vi.spyOn(globalThis, "fetch").mockImplementation(async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(input, init);
    if (request.url.startsWith("https://stagecraft.test")) return exports.default.fetch(request);
    if (request.url.startsWith(RECEIVER)) {
      received.push({ url: request.url, headers: new Headers(request.headers), body: await request.clone().text() });
      return respond(request, received.length);
    }
    throw new Error(`unexpected network call to ${request.url}`);
  });
  return received;
}

export interface DeliveryRow {
  id: string;
  webhook_id: string;
  event_id: string;
  event_type: string;
  status: string;
  attempts: string;
}

/** Waits until the workspace has `count` deliveries matching `where`, and returns them. */
export async function deliveriesWhere(workspaceId: string, count: number, where = "1 = 1", timeoutMs = 15_000): Promise<DeliveryRow[]> {
  let rows: DeliveryRow[] = [];
  for (const started = Date.now(); Date.now() - started < timeoutMs; ) {
    rows = (
      await env.DB.prepare(`SELECT id, webhook_id, event_id, event_type, status, attempts FROM webhook_deliveries WHERE workspace_id = ? AND ${where} ORDER BY id`)
        .bind(workspaceId)
        .all<DeliveryRow>()
    ).results;
    if (rows.length >= count) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return rows;
}

/** Waits until the queue has nothing more for the workspace: no delivery pending. */
export async function deliveriesSettled(workspaceId: string, expected: number) {
  const settled = await deliveriesWhere(workspaceId, expected, "status <> 'pending'");
  // Whatever is still in flight would show up now; give a straggler a moment to appear.
  await new Promise((resolve) => setTimeout(resolve, 1_500));
  return settled;
}

/** Creates a webhook in `environment` pointing at the receiver; returns its id and secret. */
export async function createWebhook(ws: TestWorkspace, environment: string, body: Record<string, unknown> = {}) {
  const res = await call(`/v1/webhooks?environment=${environment}`, { key: ws.adminKey, body: { url: `${RECEIVER}/${environment}`, ...body } });
  if (res.status !== 201) throw new Error(`webhook creation failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as { id: string; secret: string; url: string; events: string[] };
}

/**
 * Checks a Standard Webhooks signature the way a receiver would, with
 * nothing from the server's code: HMAC-SHA256 keyed with the secret's
 * base64-decoded bytes over "{id}.{timestamp}.{body}".
 */
export async function signatureIsValid(secret: string, headers: Headers, body: string): Promise<boolean> {
  const id = headers.get("webhook-id");
  const timestamp = headers.get("webhook-timestamp");
  const signatures = (headers.get("webhook-signature") ?? "").split(" ");
  if (!id || !timestamp || !secret.startsWith("whsec_")) return false;
  const key = await crypto.subtle.importKey(
    "raw",
    Uint8Array.from(atob(secret.slice(6)), (c) => c.charCodeAt(0)),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["verify"],
  );
  for (const signature of signatures) {
    const [version, mac] = signature.split(",");
    if (version !== "v1" || !mac) continue;
    const bytes = Uint8Array.from(atob(mac), (c) => c.charCodeAt(0));
    if (await crypto.subtle.verify("HMAC", key, bytes, new TextEncoder().encode(`${id}.${timestamp}.${body}`))) return true;
  }
  return false;
}
