import type { EnvironmentView } from "../../environments/environments";
import type { SecretView } from "../../environments/secrets";
import { type KeyNames, keyName } from "../key-names";
import { age } from "../overview-page";
import type { FormFields } from "../pages";
import { describedBy, FieldError, type FieldErrors, shownValue } from "./field-errors";
import { PostButton } from "./post-button";
import { TableScroll } from "./table-scroll";

/** The hosts a secret is bound to, or that it has no binding. */
function BoundHosts(props: { hosts: string[] }) {
  if (props.hosts.length === 0) return <span class="none">any host the egress allowlist allows</span>;
  return (
    <ul class="env-links" data-field="allowed_hosts">
      {props.hosts.map((host) => (
        <li>
          <code>{host}</code>
        </li>
      ))}
    </ul>
  );
}

/** Secret names and bound hosts only (values never leave the server), with a write-only form to set one and Delete. */
export function SecretsSection(props: {
  environment: EnvironmentView;
  secrets: SecretView[] | null;
  keyNames: KeyNames;
  csrf: string;
  now: Date;
  submitted: FormFields | undefined;
  errors: FieldErrors;
}) {
  const env = props.environment;
  const nameErrors = props.errors.get("key");
  const valueErrors = props.errors.get("value");
  const hostErrors = props.errors.get("allowed_hosts");
  const base = `/environments/${encodeURIComponent(env.name)}/secrets`;
  return (
    <section class="env-section" aria-labelledby="secrets">
      <h2 id="secrets">Secrets</h2>
      {props.secrets === null ? (
        <p class="none">Only an admin key of {env.name} can see its secrets' names.</p>
      ) : (
        <>
          <p class="hint">
            Provider credentials such as <code>OPENAI_API_KEY</code>. Values are stored encrypted and never shown again, here or in the API; set a new value to replace one.
          </p>
          {props.secrets.length === 0 ? (
            <p class="none">No secret is set.</p>
          ) : (
            <TableScroll label="Secrets table">
              <table>
                <caption class="hint">Secrets of {env.name}, by name</caption>
                <thead>
                  <tr>
                    <th scope="col">Name</th>
                    <th scope="col">Sent only to</th>
                    <th scope="col">Last set</th>
                    <th scope="col">Change</th>
                  </tr>
                </thead>
                <tbody>
                  {props.secrets.map((secret) => (
                    <tr data-secret={secret.name}>
                      <th scope="row">
                        <code>{secret.name}</code>
                      </th>
                      <td>
                        <BoundHosts hosts={secret.allowed_hosts} />
                      </td>
                      <td>
                        <time datetime={secret.updated_at}>{age(secret.updated_at, props.now)}</time>
                        <span class="meta">by {keyName(props.keyNames, secret.updated_by)}</span>
                      </td>
                      <td>
                        <PostButton action={`${base}/${encodeURIComponent(secret.name)}/delete`} csrf={props.csrf} class="reject" label={`Delete secret ${secret.name}`}>
                          Delete
                        </PostButton>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableScroll>
          )}
          <form method="post" action={base} class="env-form">
            <input type="hidden" name="csrf" value={props.csrf} />
            <h3>Set a secret</h3>
            <label for="secret-name">Secret name</label>
            <input
              type="text"
              id="secret-name"
              name="key"
              required
              maxlength={64}
              pattern="[A-Z_][A-Z0-9_]{0,63}"
              autocomplete="off"
              value={shownValue(props.submitted, "key", "")}
              {...describedBy("secret-name", { hint: true, errors: nameErrors })}
            />
            <span class="hint" id="secret-name-hint">
              Upper-case letters, digits and _, e.g. OPENAI_API_KEY. An existing name gets the new value.
            </span>
            <FieldError id="secret-name" errors={nameErrors} />
            <label for="secret-value">Secret value</label>
            <input
              type="password"
              id="secret-value"
              name="value"
              required
              maxlength={16384}
              autocomplete="new-password"
              {...describedBy("secret-value", { hint: false, errors: valueErrors })}
            />
            <FieldError id="secret-value" errors={valueErrors} />
            <fieldset>
              <legend>Hosts it may be sent to</legend>
              <label for="secret-hosts">Allowed hosts (optional)</label>
              <textarea id="secret-hosts" name="allowed_hosts" rows={3} autocomplete="off" spellcheck={false} {...describedBy("secret-hosts", { hint: true, errors: hostErrors })}>
                {shownValue(props.submitted, "allowed_hosts", "")}
              </textarea>
              <span class="hint" id="secret-hosts-hint">
                One host a line, e.g. <code>api.openai.com</code> or <code>*.openai.azure.com</code>: a template or provider that would send the secret anywhere else is refused.
                Left empty, an existing secret keeps its hosts and a new one may go to any host the egress allowlist allows.
              </span>
              <FieldError id="secret-hosts" errors={hostErrors} />
              <div class="env-check">
                <input type="checkbox" id="secret-unbind" name="unbind_hosts" value="on" />
                <label for="secret-unbind">Remove its host binding: it may then go to any host the egress allowlist allows</label>
              </div>
            </fieldset>
            <button type="submit">Set secret</button>
          </form>
        </>
      )}
    </section>
  );
}
