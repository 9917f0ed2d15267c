import { hasScope } from "../../access/permissions";
import type { Deps, Principal } from "../../context";
import { type EnvironmentView, getEnvironment } from "../../environments/environments";
import { listSecretNames, type SecretView } from "../../environments/secrets";
import { ok, type Result } from "../../lib/result";
import { listWebhooksFor, type WebhookView } from "../../webhooks/webhooks";
import { type KeyNames, keyNames } from "../key-names";

/** Webhooks shown on an environment's page; far more than an environment has. */
const WEBHOOK_LIMIT = 100;

/** What an environment's page shows: its settings, and its secrets and webhooks where the key administers it. */
export interface EnvironmentPageData {
  environment: EnvironmentView;
  /** Policy and variables are workspace policy: only workspace admin keys change them (as PATCH /v1/environments/{name}). */
  mayChangeSettings: boolean;
  /** Secret names, or null when the key is not an admin of the environment (the API refuses it the list too). */
  secrets: SecretView[] | null;
  /** Webhooks, or null when the key is not an admin of the environment. */
  webhooks: WebhookView[] | null;
  /** The names of the keys that last set each secret. */
  keyNames: KeyNames;
}

export async function readEnvironmentPage(deps: Deps, principal: Principal, name: string): Promise<Result<EnvironmentPageData>> {
  const environment = await getEnvironment(deps, principal, name);
  if (!environment.ok) return environment;
  const administers = hasScope(principal, "admin", environment.value.id);
  const [secrets, webhooks] = administers
    ? await Promise.all([listSecretNames(deps, principal, name), listWebhooksFor(deps, principal, { environment: name, limit: WEBHOOK_LIMIT })])
    : [null, null];
  const secretList = secrets?.ok ? secrets.value.data : null;
  return ok({
    environment: environment.value,
    mayChangeSettings: hasScope(principal, "admin", null),
    secrets: secretList,
    webhooks: webhooks?.ok ? webhooks.value.data : null,
    keyNames: await keyNames(
      deps,
      principal,
      (secretList ?? []).map((secret) => secret.updated_by),
    ),
  });
}
