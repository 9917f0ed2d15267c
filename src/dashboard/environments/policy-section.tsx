import type { EnvironmentView } from "../../environments/environments";
import { age } from "../overview-page";
import { describedBy, FieldError, type FieldErrors } from "./field-errors";
import { testGateSummary, utcText } from "./policy-summary";
import { TableScroll } from "./table-scroll";

const action = (env: EnvironmentView, rest: string) => `/environments/${encodeURIComponent(env.name)}${rest}`;

function PolicyForm(props: { environment: EnvironmentView; csrf: string; errors: FieldErrors }) {
  const env = props.environment;
  const gate = env.test_gate;
  const approvalErrors = props.errors.get("required_approvals");
  const gateErrors = props.errors.get("test_gate");
  return (
    <form method="post" action={action(env, "/policy")} class="env-form">
      <input type="hidden" name="csrf" value={props.csrf} />
      <div class="env-check">
        <input type="checkbox" id="policy-protected" name="protected" value="on" checked={env.protected} />
        <label for="policy-protected">Protected: releases arrive only by promotion, never by a direct deploy</label>
      </div>
      <label for="policy-approvals">Required approvals</label>
      <input
        type="number"
        id="policy-approvals"
        name="required_approvals"
        min={0}
        max={10}
        step={1}
        value={String(env.required_approvals)}
        {...describedBy("policy-approvals", { hint: true, errors: approvalErrors })}
      />
      <span class="hint" id="policy-approvals-hint">
        How many approvals a promotion into {env.name} needs, 0 to 10; 0 lets promotions through without approval.
      </span>
      <FieldError id="policy-approvals" errors={approvalErrors} />
      <fieldset>
        <legend>Test gate</legend>
        <div class="env-check">
          <input type="checkbox" id="policy-gate" name="test_gate" value="on" checked={gate !== null} />
          <label for="policy-gate">Require each promoted release to pass its deployment's test suites</label>
        </div>
        <label for="policy-pass-rate">Minimum pass rate (0 to 1)</label>
        <input
          type="number"
          id="policy-pass-rate"
          name="min_pass_rate"
          min={0}
          max={1}
          step={0.01}
          value={String(gate?.min_pass_rate ?? 1)}
          {...describedBy("policy-pass-rate", { hint: true, errors: gateErrors })}
        />
        <span class="hint" id="policy-pass-rate-hint">
          Share of each suite's cases that must pass on the newest completed run, e.g. 0.9 for 90%.
        </span>
        <FieldError id="policy-pass-rate" errors={gateErrors} />
        <label for="policy-untested">Deployments without a test suite</label>
        <select id="policy-untested" name="untested">
          <option value="refuse" selected={(gate?.untested ?? "refuse") === "refuse"}>
            Refuse them
          </option>
          <option value="allow" selected={gate?.untested === "allow"}>
            Let them through untested
          </option>
        </select>
      </fieldset>
      <button type="submit">Save policy</button>
    </form>
  );
}

/** Protection, approvals and the test gate: a form for workspace admins, a summary for everyone else. */
export function PolicySection(props: { environment: EnvironmentView; csrf: string; editable: boolean; errors: FieldErrors }) {
  const env = props.environment;
  return (
    <section class="env-section" aria-labelledby="policy">
      <h2 id="policy">Policy</h2>
      <p class="hint">What a release must get through before it goes live in {env.name}.</p>
      {props.editable ? (
        <PolicyForm environment={env} csrf={props.csrf} errors={props.errors} />
      ) : (
        <dl class="env-facts">
          <dt>Protected</dt>
          <dd data-field="protected">{env.protected ? "Yes: releases arrive only by promotion" : "No"}</dd>
          <dt>Required approvals</dt>
          <dd data-field="required_approvals">{env.required_approvals}</dd>
          <dt>Test gate</dt>
          <dd data-field="test_gate">{testGateSummary(env.test_gate)}</dd>
        </dl>
      )}
    </section>
  );
}

/** Change-freeze windows: listed, with Remove and an Add form for workspace admins. */
export function FreezeSection(props: { environment: EnvironmentView; csrf: string; editable: boolean; now: Date }) {
  const env = props.environment;
  return (
    <section class="env-section" aria-labelledby="freeze">
      <h2 id="freeze">Freeze windows</h2>
      <p class="hint">While a window is in force, no deploy, promotion or tag move lands in {env.name}; reverts still do. Times are UTC.</p>
      {env.freeze_windows.length === 0 ? (
        <p class="none">No freeze window is set.</p>
      ) : (
        <TableScroll label="Freeze windows table">
          <table>
            <caption class="hint">Freeze windows of {env.name}</caption>
            <thead>
              <tr>
                <th scope="col">Starts</th>
                <th scope="col">Ends</th>
                <th scope="col">Reason</th>
                {props.editable ? <th scope="col">Change</th> : null}
              </tr>
            </thead>
            <tbody>
              {env.freeze_windows.map((w) => (
                <tr data-freeze={w.starts_at}>
                  <td>
                    <time datetime={w.starts_at}>{utcText(w.starts_at)}</time>
                  </td>
                  <td>
                    <time datetime={w.ends_at}>{utcText(w.ends_at)}</time>
                    {Date.parse(w.ends_at) <= props.now.getTime() ? <span class="meta">ended {age(w.ends_at, props.now)}</span> : null}
                  </td>
                  <td>{w.reason || <span class="none">none given</span>}</td>
                  {props.editable ? (
                    <td>
                      <form method="post" action={action(env, "/freeze-windows/remove")}>
                        <input type="hidden" name="csrf" value={props.csrf} />
                        <input type="hidden" name="starts_at" value={w.starts_at} />
                        <input type="hidden" name="ends_at" value={w.ends_at} />
                        <button type="submit" class="reject" aria-label={`Remove the freeze from ${utcText(w.starts_at)} to ${utcText(w.ends_at)}`}>
                          Remove
                        </button>
                      </form>
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      )}
      {props.editable ? (
        <form method="post" action={action(env, "/freeze-windows")} class="env-form">
          <input type="hidden" name="csrf" value={props.csrf} />
          <h3>Add a freeze window</h3>
          <label for="freeze-starts">Freeze starts (UTC)</label>
          <input type="datetime-local" id="freeze-starts" name="starts_at" required />
          <label for="freeze-ends">Freeze ends (UTC)</label>
          <input type="datetime-local" id="freeze-ends" name="ends_at" required />
          <label for="freeze-reason">Reason (optional)</label>
          <input type="text" id="freeze-reason" name="reason" maxlength={500} autocomplete="off" />
          <button type="submit">Add freeze window</button>
        </form>
      ) : null}
    </section>
  );
}
