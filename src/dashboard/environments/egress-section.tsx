import type { EnvironmentView } from "../../environments/environments";
import type { FormFields } from "../pages";
import { describedBy, FieldError, type FieldErrors, shownValue } from "./field-errors";

/** Hosts one a line, as the allowlist and allowed-hosts textareas show them. */
export const hostLines = (hosts: readonly string[]) => hosts.join("\n");

/** The hosts an environment's outbound calls may reach: a form for workspace admins, a list for everyone else. */
export function EgressSection(props: { environment: EnvironmentView; csrf: string; editable: boolean; submitted: FormFields | undefined; errors: FieldErrors }) {
  const env = props.environment;
  const errors = props.errors.get("egress_allowlist");
  return (
    <section class="env-section" aria-labelledby="egress">
      <h2 id="egress">Egress allowlist</h2>
      <p class="hint">
        The only hosts that model base URLs, workflow <code>api</code> nodes and webhooks of {env.name} may call. The list only narrows what is allowed: private and internal
        addresses stay refused.
      </p>
      {props.editable ? (
        <form method="post" action={`/environments/${encodeURIComponent(env.name)}/egress`} class="env-form">
          <input type="hidden" name="csrf" value={props.csrf} />
          <label for="egress-allowlist">Allowlisted hosts</label>
          <textarea id="egress-allowlist" name="egress_allowlist" rows={5} autocomplete="off" spellcheck={false} {...describedBy("egress-allowlist", { hint: true, errors })}>
            {shownValue(props.submitted, "egress_allowlist", hostLines(env.egress_allowlist))}
          </textarea>
          <span class="hint" id="egress-allowlist-hint">
            One host a line: <code>api.openai.com</code>, or <code>*.example.com</code> for every subdomain of example.com (not example.com itself). Empty: any public host.
          </span>
          <FieldError id="egress-allowlist" errors={errors} />
          <button type="submit">Save egress allowlist</button>
        </form>
      ) : env.egress_allowlist.length === 0 ? (
        <p class="none">No allowlist is set: any public host.</p>
      ) : (
        <ul data-field="egress_allowlist">
          {env.egress_allowlist.map((host) => (
            <li>
              <code>{host}</code>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
