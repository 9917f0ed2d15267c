import type { ApiKeyView } from "../../access/api-keys";
import { age } from "../overview-page";

/** Where a key acts, in words. */
export const whereText = (key: Pick<ApiKeyView, "environment">) => key.environment ?? "all environments";

/** A past or future time as "3 d ago" or "in 5 d", with its exact value in `datetime`. */
export function When(props: { iso: string; now: Date }) {
  const future = Date.parse(props.iso) > props.now.getTime();
  // age() measures from the earlier instant to the later one, whichever way round they are.
  const text = future ? `in ${age(props.now.toISOString(), new Date(props.iso)).replace(" ago", "").replace("just now", "under a minute")}` : age(props.iso, props.now);
  return (
    <time datetime={props.iso} title={props.iso}>
      {text}
    </time>
  );
}

export type KeyState = "active" | "rotated" | "revoked" | "expired";

/** What the list says of a key; the server decides what a key may do, this only words it. */
export function keyState(key: ApiKeyView, now: Date): KeyState {
  if (key.revoked_at !== null) return "revoked";
  if (key.expires_at !== null && Date.parse(key.expires_at) <= now.getTime()) return "expired";
  if (key.replaced_by !== null) return "rotated";
  return "active";
}

/** The issued key, shown once, with a copy button that appears when JavaScript runs. */
export function ShownOnce(props: { secret: string }) {
  return (
    <section class="keys-secret" aria-labelledby="secret-heading">
      <h2 id="secret-heading">The new key</h2>
      <p class="keys-warning" role="alert">
        Copy this key now and keep it somewhere safe. It will not be shown again: Stagecraft stores only its hash.
      </p>
      <p class="keys-code">
        <code id="new-key">{props.secret}</code>
      </p>
      <button type="button" data-copy="#new-key" hidden>
        Copy key
      </button>
      <script type="module" src="/static/copy.js"></script>
    </section>
  );
}
