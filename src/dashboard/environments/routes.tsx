import type { Router } from "../../http/router";
import { registerEnvironmentPage } from "./environment-page";
import { registerEnvironmentsPage } from "./environments-page";
import { registerSecretActions } from "./secret-actions";
import { registerSettingsActions } from "./settings-actions";
import { registerWebhookActions } from "./webhook-actions";
import { registerWebhookPage } from "./webhook-page";

/** /environments, each environment's settings, secrets and webhooks, and each webhook's delivery log. */
export function registerEnvironmentPages(app: Router) {
  registerEnvironmentsPage(app);
  registerEnvironmentPage(app);
  registerSettingsActions(app);
  registerSecretActions(app);
  registerWebhookActions(app);
  registerWebhookPage(app);
}
