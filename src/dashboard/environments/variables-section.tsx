import type { EnvironmentView } from "../../environments/environments";
import { TableScroll } from "./table-scroll";

/** Plain (not secret) values templates read as env.NAME: a form for workspace admins, a table otherwise. */
export function VariablesSection(props: { environment: EnvironmentView; csrf: string; editable: boolean }) {
  const env = props.environment;
  const variables = Object.entries(env.variables).sort(([a], [b]) => a.localeCompare(b));
  return (
    <section class="env-section" aria-labelledby="variables">
      <h2 id="variables">Variables</h2>
      <p class="hint">
        Plain values templates read as <code>env.NAME</code>. They are not secret: anyone who can read {env.name} sees them. Use a secret for credentials.
      </p>
      {props.editable ? (
        <form method="post" action={`/environments/${encodeURIComponent(env.name)}/variables`}>
          <input type="hidden" name="csrf" value={props.csrf} />
          <TableScroll label="Variables table">
            <table class="env-vars">
              <caption class="hint">Variables of {env.name}; change a value, tick Remove, or add one in the last row</caption>
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Value</th>
                  <th scope="col">Remove</th>
                </tr>
              </thead>
              <tbody>
                {variables.map(([name, value], i) => (
                  <tr data-variable={name}>
                    <th scope="row">
                      <code>{name}</code>
                      <input type="hidden" name="variable_name" value={name} />
                    </th>
                    <td>
                      <label class="visually-hidden" for={`variable-value-${i}`}>{`Value of ${name}`}</label>
                      <input type="text" id={`variable-value-${i}`} name="variable_value" value={value} maxlength={4096} autocomplete="off" />
                    </td>
                    <td>
                      <input type="checkbox" id={`variable-remove-${i}`} name="remove_variable" value={name} />
                      <label for={`variable-remove-${i}`}>{`Remove ${name}`}</label>
                    </td>
                  </tr>
                ))}
                <tr>
                  <td>
                    <label for="variable-new-name">New variable name</label>
                    <input type="text" id="variable-new-name" name="variable_name" maxlength={64} autocomplete="off" pattern="[A-Za-z_][A-Za-z0-9_]{0,63}" />
                  </td>
                  <td>
                    <label for="variable-new-value">New variable value</label>
                    <input type="text" id="variable-new-value" name="variable_value" maxlength={4096} autocomplete="off" />
                  </td>
                  <td />
                </tr>
              </tbody>
            </table>
          </TableScroll>
          <button type="submit">Save variables</button>
        </form>
      ) : variables.length === 0 ? (
        <p class="none">No variable is set.</p>
      ) : (
        <TableScroll label="Variables table">
          <table>
            <caption class="hint">Variables of {env.name}</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Value</th>
              </tr>
            </thead>
            <tbody>
              {variables.map(([name, value]) => (
                <tr data-variable={name}>
                  <th scope="row">
                    <code>{name}</code>
                  </th>
                  <td>{value}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      )}
    </section>
  );
}
