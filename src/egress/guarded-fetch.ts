import { checkOutboundUrl, type EgressPolicy } from "./outbound-url";

/** A call the egress policy refused before anything was sent; its message says why, naming the host. */
export class EgressRefused extends Error {
  override name = "EgressRefused";
}

/**
 * `fetch`, checked: every URL passes the egress policy first, and redirects
 * are never followed (`redirect: "manual"`), so a 3xx reaches the caller as
 * it is and counts as a failure, as any non-2xx does. Following them, even
 * re-checked hop by hop, would carry the request's credentials to a host the
 * user never configured, and a redirect is the classic way round a check
 * made on the first URL only. Model APIs, webhooks and the APIs a workflow
 * calls answer in place.
 *
 * `send` is read at call time, so a test's spy on the global fetch still sees the call.
 */
export function guardedFetch(policy: EgressPolicy, send: typeof fetch = (input, init) => fetch(input, init)): typeof fetch {
  return (input, init) => {
    const url = input instanceof Request ? input.url : String(input);
    const verdict = checkOutboundUrl(url, policy);
    if (!verdict.ok) return Promise.reject(new EgressRefused(verdict.reason));
    return send(input, { ...init, redirect: "manual" });
  };
}
