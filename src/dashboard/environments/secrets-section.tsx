import type { EnvironmentView } from "../../environments/environments";
import type { SecretView } from "../../environments/secrets";
import { type KeyNames, keyName } from "../key-names";
import { age } from "../overview-page";
import { PostButton } from "./post-button";
import { TableScroll } from "./table-scroll";

/** Secret names only (values never leave the server), with a write-only form to set one and Delete. */
export function SecretsSection(props: { environment: EnvironmentView; secrets: SecretView[] | null; keyNames: KeyNames; csrf: string; now: Date }) {
  const env = props.environment;
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
            <input type="text" id="secret-name" name="key" required maxlength={64} pattern="[A-Z_][A-Z0-9_]{0,63}" autocomplete="off" aria-describedby="secret-name-hint" />
            <span class="hint" id="secret-name-hint">
              Upper-case letters, digits and _, e.g. OPENAI_API_KEY. An existing name gets the new value.
            </span>
            <label for="secret-value">Secret value</label>
            <input type="password" id="secret-value" name="value" required maxlength={16384} autocomplete="new-password" />
            <button type="submit">Set secret</button>
          </form>
        </>
      )}
    </section>
  );
}
