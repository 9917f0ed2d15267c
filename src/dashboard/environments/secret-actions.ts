import { removeSecret, setSecret } from "../../environments/secrets";
import type { Router } from "../../http/router";
import { SecretParams, SetSecretBody } from "../../routes/environments/schemas";
import { action, type FormFields, field, param } from "../pages";
import { environmentPath, renderEnvironmentPage } from "./environment-page";
import { hostList, refuseField, validate } from "./form-issues";
import { refusedCode } from "./messages";

/**
 * The hosts the form binds the secret to: the typed ones, `[]` when it asks
 * to remove the binding, and none (the binding stays as it was, as when the
 * API's body leaves `allowed_hosts` out) when it does neither.
 */
function allowedHostsOf(form: FormFields) {
  const typed = hostList(field(form, "allowed_hosts"));
  if (field(form, "unbind_hosts") !== "on") return { ok: true as const, value: typed.length > 0 ? typed : undefined };
  if (typed.length > 0) return refuseField("allowed_hosts", "Leave this empty to remove the binding, or untick the removal to bind the secret to these hosts");
  return { ok: true as const, value: [] };
}

/**
 * Set and delete a secret, through the same functions as PUT and DELETE
 * /v1/environments/{name}/secrets/{key}. The value is never put back into
 * the page, not even when the form is refused.
 */
export function registerSecretActions(app: Router) {
  action(app, "/environments/:name/secrets", async (c, signedIn, form) => {
    const name = param(c, "name");
    // The refused page fills the name and hosts back in, never the value.
    const submitted = { key: field(form, "key"), allowed_hosts: field(form, "allowed_hosts") };
    const target = validate(SecretParams, { name, key: field(form, "key") });
    if (!target.ok) return renderEnvironmentPage(c, signedIn, name, { failure: target.error, submitted });
    const hosts = allowedHostsOf(form);
    if (!hosts.ok) return renderEnvironmentPage(c, signedIn, name, { failure: hosts.error, submitted });
    const body = validate(SetSecretBody, { value: typeof form.value === "string" ? form.value : "", ...(hosts.value ? { allowed_hosts: hosts.value } : {}) });
    if (!body.ok) return renderEnvironmentPage(c, signedIn, name, { failure: body.error, submitted });
    const stored = await setSecret(c.get("deps"), signedIn.principal, name, target.value.key, body.value.value, body.value.allowed_hosts);
    if (!stored.ok) return renderEnvironmentPage(c, signedIn, name, { failure: stored.error, submitted });
    return c.redirect(`${environmentPath(name)}?done=secret-set`, 303);
  });

  // The environment's page answers 404 by itself when the key may not see the environment.
  action(app, "/environments/:name/secrets/:key/delete", async (c, signedIn) => {
    const name = param(c, "name");
    const removed = await removeSecret(c.get("deps"), signedIn.principal, name, param(c, "key"));
    const outcome = removed.ok ? "done=secret-deleted" : `refused=${refusedCode(removed.error.code)}`;
    return c.redirect(`${environmentPath(name)}?${outcome}`, 303);
  });
}
