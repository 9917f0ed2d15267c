import type { ApiKeyView } from "../../access/api-keys";
import { Layout, type SignedIn } from "../layout";
import { When, whereText } from "./key-parts";

/** Asks before revoking: names the key, where it acts and what stops working. */
export function RevokePage(props: { apiKey: ApiKeyView; signedIn: SignedIn; now: Date }) {
  const { apiKey } = props;
  const own = apiKey.id === props.signedIn.principal.keyId;
  return (
    <Layout title={`Revoke ${apiKey.name}`} current="/api-keys" signedIn={props.signedIn}>
      <nav aria-label="Breadcrumb" class="breadcrumb">
        <a href="/api-keys">API keys</a> › <span aria-current="page">Revoke {apiKey.name}</span>
      </nav>
      <h1>Revoke the key “{apiKey.name}”?</h1>
      <dl class="keys-facts">
        <div>
          <dt>Prefix</dt>
          <dd>
            <code>{apiKey.display_prefix}…</code>
          </dd>
        </div>
        <div>
          <dt>Acts in</dt>
          <dd>{whereText(apiKey)}</dd>
        </div>
        <div>
          <dt>Scopes</dt>
          <dd>{apiKey.scopes.join(", ")}</dd>
        </div>
        <div>
          <dt>Last used</dt>
          <dd>{apiKey.last_used_at ? <When iso={apiKey.last_used_at} now={props.now} /> : "never"}</dd>
        </div>
      </dl>
      <p class="keys-warning">
        Every request made with this key will be refused from now on. This cannot be undone: to give access back, create a new key.
        {own ? " This is the key you are signed in with: you will be signed out." : ""}
      </p>
      <form method="post" action={`/api-keys/${encodeURIComponent(apiKey.id)}/revoke`} class="keys-confirm">
        <input type="hidden" name="csrf" value={props.signedIn.csrf} />
        <button type="submit" class="reject">
          Revoke {apiKey.name}
        </button>
        <a href="/api-keys">Cancel</a>
      </form>
    </Layout>
  );
}
