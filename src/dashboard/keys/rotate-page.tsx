import type { ApiKeyView } from "../../access/api-keys";
import { Layout, type SignedIn } from "../layout";
import { whereText } from "./key-parts";

/** A day: what the API gives the old key when no grace period is named. */
export const DEFAULT_GRACE_SECONDS = 86_400;

/** Asks before rotating: the replacement gets the same name, environment, scopes and expiry; the old key lives on for the grace period. */
export function RotatePage(props: { apiKey: ApiKeyView; signedIn: SignedIn; grace: string; error?: string | undefined }) {
  const { apiKey } = props;
  return (
    <Layout title={`Rotate ${apiKey.name}`} current="/api-keys" signedIn={props.signedIn}>
      <nav aria-label="Breadcrumb" class="breadcrumb">
        <a href="/api-keys">API keys</a> › <span aria-current="page">Rotate {apiKey.name}</span>
      </nav>
      <h1>Rotate the key “{apiKey.name}”?</h1>
      <p>
        A new key replaces <code>{apiKey.display_prefix}…</code>, with the same name, environment ({whereText(apiKey)}), scopes ({apiKey.scopes.join(", ")}) and expiry. The new key
        is shown once, on the next page.
      </p>
      {props.error ? (
        <p class="error" role="alert">
          {props.error}
        </p>
      ) : null}
      <form method="post" action={`/api-keys/${encodeURIComponent(apiKey.id)}/rotate`} class="keys-form">
        <input type="hidden" name="csrf" value={props.signedIn.csrf} />
        <label for="grace">Grace period (seconds)</label>
        <input type="number" id="grace" name="grace_period_seconds" min={0} max={30 * 86_400} step={1} required value={props.grace} aria-describedby="grace-hint" />
        <span id="grace-hint" class="hint">
          How long the old key keeps working, so that whoever uses it can switch: 86400 is a day, 0 stops it at once, at most 30 days.
        </span>
        <div class="keys-confirm">
          <button type="submit">Rotate {apiKey.name}</button>
          <a href="/api-keys">Cancel</a>
        </div>
      </form>
    </Layout>
  );
}
