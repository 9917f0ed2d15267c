import { removeSecret, setSecret } from "../../environments/secrets";
import type { Router } from "../../http/router";
import { SecretParams, SetSecretBody } from "../../routes/environments/schemas";
import { action, field, param } from "../pages";
import { environmentPath, renderEnvironmentPage } from "./environment-page";
import { validate } from "./form-issues";
import { refusedCode } from "./messages";

/**
 * Set and delete a secret, through the same functions as PUT and DELETE
 * /v1/environments/{name}/secrets/{key}. The value is never put back into
 * the page, not even when the form is refused.
 */
export function registerSecretActions(app: Router) {
  action(app, "/environments/:name/secrets", async (c, signedIn, form) => {
    const name = param(c, "name");
    const target = validate(SecretParams, { name, key: field(form, "key") });
    if (!target.ok) return renderEnvironmentPage(c, signedIn, name, { failure: target.error });
    const body = validate(SetSecretBody, { value: typeof form.value === "string" ? form.value : "" });
    if (!body.ok) return renderEnvironmentPage(c, signedIn, name, { failure: body.error });
    const stored = await setSecret(c.get("deps"), signedIn.principal, name, target.value.key, body.value.value);
    if (!stored.ok) return renderEnvironmentPage(c, signedIn, name, { failure: stored.error });
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
