import type { ApiKeyView, IssuedApiKey } from "../../access/api-keys";
import { Layout, type SignedIn } from "../layout";
import { ShownOnce, When, whereText } from "./key-parts";

/** The one page that shows a new key: after Create, or after Rotate with the old key's new end. */
export function IssuedKeyPage(props: { issued: IssuedApiKey; previous?: ApiKeyView | undefined; signedIn: SignedIn; now: Date }) {
  const { issued, previous } = props;
  const title = previous ? `Key “${issued.name}” rotated` : `Key “${issued.name}” created`;
  return (
    <Layout title={title} current="/api-keys" signedIn={props.signedIn}>
      <h1>{title}</h1>
      <ShownOnce secret={issued.key} />
      <dl class="keys-facts">
        <div>
          <dt>Acts in</dt>
          <dd>{whereText(issued)}</dd>
        </div>
        <div>
          <dt>Scopes</dt>
          <dd>{issued.scopes.join(", ")}</dd>
        </div>
        <div>
          <dt>Expires</dt>
          <dd>{issued.expires_at ? <When iso={issued.expires_at} now={props.now} /> : "never"}</dd>
        </div>
        <div>
          <dt>Id</dt>
          <dd>{issued.id}</dd>
        </div>
      </dl>
      {previous?.expires_at ? (
        <p class="notice" role="status">
          The old key <code>{previous.display_prefix}…</code> keeps working until <When iso={previous.expires_at} now={props.now} />.
        </p>
      ) : null}
      <p class="hint">
        Use it as <code>{"Authorization: Bearer <key>"}</code> (or <code>X-API-KEY</code>) when calling the API or the CLI.
      </p>
      <p>
        <a href="/api-keys">Back to API keys</a>
      </p>
    </Layout>
  );
}
