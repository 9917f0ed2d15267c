import type { Context } from "hono";
import type { AppEnv } from "../../context";
import type { EnvironmentView } from "../../environments/environments";
import { type EnvironmentSettings, getEnvironment, updateEnvironmentSettings } from "../../environments/environments";
import type { Router } from "../../http/router";
import type { Result } from "../../lib/result";
import { UpdateEnvironmentBody } from "../../routes/environments/schemas";
import { action, type CurrentSession, type FormFields, field, fields, param } from "../pages";
import { environmentPath, renderEnvironmentPage } from "./environment-page";
import { hostList, numberOrNull, utcTimestamp, validate } from "./form-issues";
import type { Done } from "./messages";

/** Every value of a repeated field, in form order, empty ones kept (so parallel fields stay aligned). */
function allValues(form: FormFields, name: string): string[] {
  const value = form[name];
  return (Array.isArray(value) ? value : value === undefined ? [] : [value]).map((v) => v.trim());
}

/** The policy form's values as the PATCH body would carry them. */
function policyBody(form: FormFields) {
  return {
    protected: field(form, "protected") === "on",
    required_approvals: numberOrNull(field(form, "required_approvals")),
    test_gate: field(form, "test_gate") === "on" ? { min_pass_rate: Number(field(form, "min_pass_rate") || "1"), untested: field(form, "untested") || "refuse" } : null,
  };
}

/** The variables form: every row with a name, minus those ticked for removal, as the whole new set. */
function variablesBody(form: FormFields) {
  const names = allValues(form, "variable_name");
  const values = allValues(form, "variable_value");
  const removed = new Set(fields(form, "remove_variable"));
  const variables: Record<string, string> = {};
  names.forEach((name, i) => {
    if (name !== "" && !removed.has(name)) variables[name] = values[i] ?? "";
  });
  return { variables };
}

/** The current windows plus the one the form adds. */
function addFreezeBody(env: EnvironmentView, form: FormFields) {
  const added = { starts_at: utcTimestamp(field(form, "starts_at")), ends_at: utcTimestamp(field(form, "ends_at")), reason: field(form, "reason") };
  return { freeze_windows: [...env.freeze_windows, added] };
}

/** The current windows without the one the form names. */
function removeFreezeBody(env: EnvironmentView, form: FormFields) {
  const [starts, ends] = [field(form, "starts_at"), field(form, "ends_at")];
  return { freeze_windows: env.freeze_windows.filter((w) => !(w.starts_at === starts && w.ends_at === ends)) };
}

/** The limits form: each limit a number, or empty for none. */
function limitsBody(form: FormFields) {
  return {
    rate_limit_per_minute: numberOrNull(field(form, "rate_limit_per_minute")),
    key_rate_limit_per_minute: numberOrNull(field(form, "key_rate_limit_per_minute")),
    daily_budget_usd: numberOrNull(field(form, "daily_budget_usd")),
  };
}

/** The allowlist textarea as the whole new list; empty allows any public host again. */
function egressBody(form: FormFields) {
  return { egress_allowlist: hostList(field(form, "egress_allowlist")) };
}

/**
 * A settings form: its values become a PATCH body, checked with the PATCH
 * route's schema, then the same function as PATCH /v1/environments/{name}
 * changes them. A refusal re-renders the page with the field named and the
 * values just sent, to correct.
 */
function settingsAction(app: Router, rest: string, done: Done, body: (env: EnvironmentView, form: FormFields) => unknown) {
  action(app, `/environments/:name${rest}`, async (c: Context<AppEnv>, signedIn: CurrentSession, form: FormFields) => {
    const deps = c.get("deps");
    const name = param(c, "name");
    const current = await getEnvironment(deps, signedIn.principal, name);
    const changes: Result<EnvironmentSettings> = current.ok ? validate(UpdateEnvironmentBody, body(current.value, form)) : current;
    const updated = changes.ok ? await updateEnvironmentSettings(deps, signedIn.principal, name, changes.value) : changes;
    if (!updated.ok) return renderEnvironmentPage(c, signedIn, name, { failure: updated.error, submitted: form });
    return c.redirect(`${environmentPath(name)}?done=${done}`, 303);
  });
}

export function registerSettingsActions(app: Router) {
  settingsAction(app, "/policy", "policy-saved", (_env, form) => policyBody(form));
  settingsAction(app, "/variables", "variables-saved", (_env, form) => variablesBody(form));
  settingsAction(app, "/freeze-windows", "freeze-added", addFreezeBody);
  settingsAction(app, "/freeze-windows/remove", "freeze-removed", removeFreezeBody);
  settingsAction(app, "/limits", "limits-saved", (_env, form) => limitsBody(form));
  settingsAction(app, "/egress", "egress-saved", (_env, form) => egressBody(form));
}
