import { hasScope } from "../../access/permissions";
import type { EnvironmentView } from "../../environments/environments";
import { createEnvironment } from "../../environments/environments";
import type { Router } from "../../http/router";
import { problemCatalog } from "../../lib/problem";
import { CreateEnvironmentBody } from "../../routes/environments/schemas";
import { Layout, type SignedIn } from "../layout";
import { action, field, page } from "../pages";
import { readableEnvironments } from "./environment-list";
import { validate } from "./form-issues";
import { noticeOf } from "./messages";
import { Notices } from "./notices";
import { FreezeSummary, testGateSummary } from "./policy-summary";
import { TableScroll } from "./table-scroll";

const path = (name: string, rest = "") => `/environments/${encodeURIComponent(name)}${rest}`;

function CreateEnvironmentForm(props: { csrf: string }) {
  return (
    <section class="env-section" aria-labelledby="create-environment">
      <h2 id="create-environment">Create an environment</h2>
      <p class="hint">A new environment starts unprotected, with no approvals, test gate or freeze; set its policy on its page afterwards.</p>
      <form method="post" action="/environments" class="env-form">
        <input type="hidden" name="csrf" value={props.csrf} />
        <label for="environment-name">Name</label>
        <input type="text" id="environment-name" name="name" required maxlength={63} pattern="[a-z][a-z0-9\-]{0,62}" autocomplete="off" aria-describedby="environment-name-hint" />
        <span class="hint" id="environment-name-hint">
          Lowercase letters, digits and hyphens, starting with a letter, e.g. <code>qa</code>. It cannot change later.
        </span>
        <label for="environment-label">Label (optional)</label>
        <input type="text" id="environment-label" name="label" maxlength={100} autocomplete="off" />
        <button type="submit">Create environment</button>
      </form>
    </section>
  );
}

/** Every environment the key may read, in pipeline order, with its policy at a glance. */
export function EnvironmentsPage(props: { environments: EnvironmentView[]; signedIn: SignedIn; now: Date; done?: string | undefined; error?: string | undefined }) {
  const { principal, csrf } = props.signedIn;
  return (
    <Layout title="Environments" current="/environments" signedIn={props.signedIn}>
      <h1>Environments</h1>
      <p class="hint">Releases move through these environments in pipeline order. Open one to change its policy, variables, secrets and webhooks.</p>
      <Notices done={props.done} error={props.error} />
      {props.environments.length === 0 ? (
        <p>This key may read no environment.</p>
      ) : (
        <TableScroll label="Environments table">
          <table>
            <caption class="hint">Environments in pipeline order, with the policy each applies to promotions</caption>
            <thead>
              <tr>
                <th scope="col">Environment</th>
                <th scope="col">Protected</th>
                <th scope="col">Approvals</th>
                <th scope="col">Test gate</th>
                <th scope="col">Freeze</th>
                <th scope="col">See also</th>
              </tr>
            </thead>
            <tbody>
              {props.environments.map((env) => (
                <tr data-environment={env.name}>
                  <th scope="row">
                    <a href={path(env.name)}>{env.label}</a>
                    <span class="meta">{env.name}</span>
                  </th>
                  <td>{env.protected ? "Yes: promotions only" : "No"}</td>
                  <td>{env.required_approvals === 0 ? <span class="none">none</span> : env.required_approvals}</td>
                  <td>{env.test_gate ? testGateSummary(env.test_gate) : <span class="none">none</span>}</td>
                  <td>
                    <FreezeSummary windows={env.freeze_windows} now={props.now} />
                  </td>
                  <td>
                    <ul class="env-links">
                      <li>
                        <a href={path(env.name)}>Settings</a>
                      </li>
                      <li>
                        <a href={path(env.name, "/monitoring")}>Monitoring</a>
                      </li>
                      <li>
                        <a href={path(env.name, "/executions")}>Executions</a>
                      </li>
                    </ul>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      )}
      {hasScope(principal, "admin", null) ? <CreateEnvironmentForm csrf={csrf} /> : null}
    </Layout>
  );
}

export function registerEnvironmentsPage(app: Router) {
  page(app, "/environments", async (c, signedIn) => {
    const deps = c.get("deps");
    const environments = await readableEnvironments(deps, signedIn.principal);
    const notice = noticeOf({ done: c.req.query("done"), refused: c.req.query("refused") });
    return c.html(
      <EnvironmentsPage
        environments={environments.ok ? environments.value : []}
        signedIn={signedIn}
        now={deps.now()}
        done={notice.done}
        error={environments.ok ? notice.error : environments.error.detail}
      />,
      environments.ok ? 200 : problemCatalog[environments.error.code].status,
    );
  });

  action(app, "/environments", async (c, signedIn, form) => {
    const deps = c.get("deps");
    const label = field(form, "label");
    const input = validate(CreateEnvironmentBody, { name: field(form, "name"), ...(label === "" ? {} : { label }) });
    const created = input.ok ? await createEnvironment(deps, signedIn.principal, input.value) : input;
    if (created.ok) return c.redirect(`${path(created.value.name)}?done=environment-created`, 303);
    const environments = await readableEnvironments(deps, signedIn.principal);
    return c.html(
      <EnvironmentsPage environments={environments.ok ? environments.value : []} signedIn={signedIn} now={deps.now()} error={created.error.detail} />,
      problemCatalog[created.error.code].status,
    );
  });
}
