import type { ApiKeyView } from "../../access/api-keys";
import { type Scope, scopes } from "../../context";
import { Layout, type SignedIn } from "../layout";
import type { KeyTargets } from "./key-environments";
import { keyState, When, whereText } from "./key-parts";

/** What each scope lets a key do, for the create form. */
export const SCOPE_HINTS: Record<Scope, string> = {
  execute: "run prompts and workflows",
  read: "see deployments, releases, runs and logs",
  deploy: "deploy sandboxes, edit test suites",
  promote: "promote and revert releases",
  approve: "approve promotion requests",
  admin: "everything, including keys and settings",
};

/** The messages a redirect back to /api-keys may name; anything else in the query is ignored. */
export const DONE_MESSAGES = { revoked: "The key was revoked. It stops working at its next request." } as const;
export type Done = keyof typeof DONE_MESSAGES;

/** Fixed messages for refusals a redirect may name, by problem code. */
export const REFUSALS: Record<string, string> = {
  API_KEY_INACTIVE: "Refused: that key is revoked, expired or already rotated.",
  INSUFFICIENT_SCOPE: "Refused: this key may not manage that key.",
  OTHER: "Refused: the change could not be made.",
};

/** What the create form was last filled with, to show it again beside an error. */
export interface CreateKeyValues {
  name: string;
  environment: string;
  scopes: string[];
  expiresOn: string;
}
const EMPTY: CreateKeyValues = { name: "", environment: "", scopes: ["read"], expiresOn: "" };

function StateCell(props: { apiKey: ApiKeyView; now: Date }) {
  const { apiKey, now } = props;
  switch (keyState(apiKey, now)) {
    case "revoked":
      return (
        <td class="keys-state keys-revoked">
          Revoked <When iso={apiKey.revoked_at as string} now={now} />
        </td>
      );
    case "expired":
      return <td class="keys-state keys-revoked">Expired</td>;
    case "rotated":
      return (
        <td class="keys-state">
          Rotated, works until <When iso={apiKey.expires_at as string} now={now} />
          <span class="meta">replaced by {apiKey.replaced_by}</span>
        </td>
      );
    case "active":
      return <td class="keys-state keys-active">Active</td>;
  }
}

function Identity(props: { apiKey: ApiKeyView }) {
  const identity = props.apiKey.identity;
  if (!identity) return <span class="none">—</span>;
  return (
    <span>
      {identity.repository ?? identity.subject}
      <span class="meta">
        {[identity.ref, identity.workflow_ref, identity.run_id ? `run ${identity.run_id}` : null, identity.event_name].filter((part) => part !== null).join(" · ")}
      </span>
    </span>
  );
}

function KeyRow(props: { apiKey: ApiKeyView; now: Date; ownKeyId: string }) {
  const { apiKey, now } = props;
  const state = keyState(apiKey, now);
  const path = `/api-keys/${encodeURIComponent(apiKey.id)}`;
  return (
    <tr data-key={apiKey.id} data-state={state}>
      <th scope="row">
        {apiKey.name}
        {apiKey.id === props.ownKeyId ? <span class="meta">the key you are signed in with</span> : null}
        <span class="meta">{apiKey.id}</span>
      </th>
      <td>{whereText(apiKey)}</td>
      <td>{apiKey.scopes.join(", ")}</td>
      <td>
        <code>{apiKey.display_prefix}…</code>
      </td>
      <td>
        <When iso={apiKey.created_at} now={now} />
        <span class="meta">by {apiKey.created_by}</span>
      </td>
      <td>{apiKey.expires_at ? <When iso={apiKey.expires_at} now={now} /> : <span class="none">never</span>}</td>
      <td>{apiKey.last_used_at ? <When iso={apiKey.last_used_at} now={now} /> : <span class="none">never</span>}</td>
      <StateCell apiKey={apiKey} now={now} />
      <td>
        <Identity apiKey={apiKey} />
      </td>
      <td>
        {state === "active" || state === "rotated" ? (
          <ul class="keys-actions">
            {state === "active" ? (
              <li>
                <a href={`${path}/rotate`} aria-label={`Rotate ${apiKey.name} (${apiKey.display_prefix})`}>
                  Rotate
                </a>
              </li>
            ) : null}
            <li>
              <a href={`${path}/revoke`} class="keys-danger" aria-label={`Revoke ${apiKey.name} (${apiKey.display_prefix})`}>
                Revoke
              </a>
            </li>
          </ul>
        ) : (
          <span class="none">—</span>
        )}
      </td>
    </tr>
  );
}

function CreateForm(props: { targets: KeyTargets; csrf: string; values: CreateKeyValues; error: string | undefined }) {
  const { targets, values } = props;
  return (
    <section aria-labelledby="create-heading">
      <h2 id="create-heading">Create a key</h2>
      {props.error ? (
        <p class="error" role="alert">
          {props.error}
        </p>
      ) : null}
      <form method="post" action="/api-keys" class="keys-form">
        <input type="hidden" name="csrf" value={props.csrf} />
        <label for="key-name">Name</label>
        <input type="text" id="key-name" name="name" required maxlength={100} value={values.name} autocomplete="off" aria-describedby="key-name-hint" />
        <span id="key-name-hint" class="hint">
          Who or what uses it, e.g. “CI deploys” or “support bot”.
        </span>
        <label for="key-environment">Environment</label>
        <select id="key-environment" name="environment" aria-describedby="key-environment-hint">
          {targets.workspace ? (
            <option value="" selected={values.environment === ""}>
              All environments (workspace key)
            </option>
          ) : null}
          {targets.environments.map((name) => (
            <option value={name} selected={values.environment === name}>
              {name}
            </option>
          ))}
        </select>
        <span id="key-environment-hint" class="hint">
          An environment key acts only in its environment; a workspace key holds its scopes in every environment.
        </span>
        <fieldset>
          <legend>Scopes</legend>
          {scopes.map((scope) => (
            <div class="keys-scope">
              <input type="checkbox" id={`scope-${scope}`} name="scopes" value={scope} checked={values.scopes.includes(scope)} />
              <label for={`scope-${scope}`}>
                {scope} <span class="hint">— {SCOPE_HINTS[scope]}</span>
              </label>
            </div>
          ))}
        </fieldset>
        <label for="key-expires">Expires on (optional)</label>
        <input type="date" id="key-expires" name="expires_on" value={values.expiresOn} aria-describedby="key-expires-hint" />
        <span id="key-expires-hint" class="hint">
          The key stops working at 00:00 UTC on this day. Leave empty for a key that does not expire.
        </span>
        <button type="submit">Create key</button>
      </form>
    </section>
  );
}

/** The keys the signed-in key may manage, with Create, Rotate and Revoke where it may. */
export function KeysPage(props: {
  keys: ApiKeyView[];
  targets: KeyTargets;
  signedIn: SignedIn;
  now: Date;
  /** Why the key may see no keys at all; the page then offers nothing. */
  refusal?: string | undefined;
  done?: Done | undefined;
  notice?: string | undefined;
  createError?: string | undefined;
  values?: CreateKeyValues | undefined;
}) {
  const mayCreate = props.refusal === undefined && (props.targets.workspace || props.targets.environments.length > 0);
  return (
    <Layout title="API keys" current="/api-keys" signedIn={props.signedIn}>
      <h1>API keys</h1>
      <p class="hint">
        Keys let people, CI jobs and applications call Stagecraft. Only a short prefix of each key is kept visible; the key itself is shown once, when it is created.
      </p>
      {props.done ? (
        <p class="notice" role="status">
          {DONE_MESSAGES[props.done]}
        </p>
      ) : null}
      {props.notice ? (
        <p class="error" role="alert">
          {props.notice}
        </p>
      ) : null}
      {props.refusal ? (
        <p class="keys-refusal">{props.refusal}</p>
      ) : (
        <>
          {props.keys.length === 0 ? (
            <p>No keys yet.</p>
          ) : (
            <section class="keys-scroll" tabindex={0} aria-label="API keys table">
              <table>
                <caption class="hint">
                  Keys {props.signedIn.principal.environment ? `of ${props.signedIn.principal.environment.name}` : "of every environment"}, newest first
                </caption>
                <thead>
                  <tr>
                    <th scope="col">Name</th>
                    <th scope="col">Environment</th>
                    <th scope="col">Scopes</th>
                    <th scope="col">Prefix</th>
                    <th scope="col">Created</th>
                    <th scope="col">Expires</th>
                    <th scope="col">Last used</th>
                    <th scope="col">State</th>
                    <th scope="col">CI identity (OIDC)</th>
                    <th scope="col">Actions</th>
                  </tr>
                </thead>
                <tbody>
                  {props.keys.map((apiKey) => (
                    <KeyRow apiKey={apiKey} now={props.now} ownKeyId={props.signedIn.principal.keyId} />
                  ))}
                </tbody>
              </table>
            </section>
          )}
          {mayCreate ? <CreateForm targets={props.targets} csrf={props.signedIn.csrf} values={props.values ?? EMPTY} error={props.createError} /> : null}
        </>
      )}
    </Layout>
  );
}
