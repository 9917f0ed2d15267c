import type { Context } from "hono";
import type { AppEnv } from "../../context";
import type { Router } from "../../http/router";
import { problemCatalog } from "../../lib/problem";
import type { Failure } from "../../lib/result";
import type { WebhookView } from "../../webhooks/webhooks";
import { Layout, type SignedIn } from "../layout";
import { type CurrentSession, type FormFields, notFound, page, param } from "../pages";
import { EgressSection } from "./egress-section";
import { type EnvironmentPageData, readEnvironmentPage } from "./environment-data";
import { type FieldErrors, fieldErrorsOf } from "./field-errors";
import { LimitsSection } from "./limits-section";
import { noticeOf } from "./messages";
import { Notices } from "./notices";
import { FreezeSection, PolicySection } from "./policy-section";
import { FreezeSummary } from "./policy-summary";
import { SecretsSection } from "./secrets-section";
import { VariablesSection } from "./variables-section";
import { CreatedWebhookSecret, WebhooksSection } from "./webhooks-section";

export const environmentPath = (name: string, rest = "") => `/environments/${encodeURIComponent(name)}${rest}`;

const NO_ERRORS: FieldErrors = new Map();

/**
 * One environment: its policy, freeze windows, variables, limits and spend,
 * egress allowlist, secrets and webhooks; forms only where the key may change
 * them. A refused form's fields show their values and errors again.
 */
export function EnvironmentPage(props: {
  data: EnvironmentPageData;
  signedIn: SignedIn;
  now: Date;
  done?: string | undefined;
  error?: string | undefined;
  createdWebhook?: (WebhookView & { secret: string }) | undefined;
  submitted?: FormFields | undefined;
  fieldErrors?: FieldErrors | undefined;
}) {
  const { environment: env, mayChangeSettings } = props.data;
  const { csrf } = props.signedIn;
  const refused = { submitted: props.submitted, errors: props.fieldErrors ?? NO_ERRORS };
  return (
    <Layout title={`${env.label} environment`} current="/environments" signedIn={props.signedIn}>
      <p class="env-crumbs">
        <a href="/environments">Environments</a> / {env.name}
      </p>
      <h1>{env.label} environment</h1>
      {env.description ? <p>{env.description}</p> : null}
      <ul class="env-links">
        <li>
          <a href={environmentPath(env.name, "/monitoring")}>Monitoring of {env.name}</a>
        </li>
        <li>
          <a href={environmentPath(env.name, "/executions")}>Executions in {env.name}</a>
        </li>
        <li>
          <FreezeSummary windows={env.freeze_windows} now={props.now} />
        </li>
      </ul>
      <Notices done={props.done} error={props.error} />
      {props.createdWebhook ? <CreatedWebhookSecret webhook={props.createdWebhook} /> : null}
      {mayChangeSettings ? null : <p class="hint">Read-only: only a workspace admin key changes an environment's policy, variables, limits and egress allowlist.</p>}
      <PolicySection environment={env} csrf={csrf} editable={mayChangeSettings} errors={refused.errors} />
      <FreezeSection environment={env} csrf={csrf} editable={mayChangeSettings} now={props.now} />
      <VariablesSection environment={env} csrf={csrf} editable={mayChangeSettings} />
      <LimitsSection environment={env} budget={props.data.budget} csrf={csrf} editable={mayChangeSettings} {...refused} />
      <EgressSection environment={env} csrf={csrf} editable={mayChangeSettings} {...refused} />
      <SecretsSection environment={env} secrets={props.data.secrets} keyNames={props.data.keyNames} csrf={csrf} now={props.now} {...refused} />
      <WebhooksSection environment={env} webhooks={props.data.webhooks} csrf={csrf} now={props.now} />
    </Layout>
  );
}

/**
 * Renders the environment's page as the key may see it, with a refusal or a
 * just-created webhook's secret: what a form post answers when it cannot
 * redirect. An environment the key may not see is the 404 page.
 */
export async function renderEnvironmentPage(
  c: Context<AppEnv>,
  signedIn: CurrentSession,
  name: string,
  outcome: { failure?: Failure; submitted?: FormFields; createdWebhook?: WebhookView & { secret: string } } = {},
) {
  const deps = c.get("deps");
  const data = await readEnvironmentPage(deps, signedIn.principal, name);
  if (!data.ok) return data.error.code === "NOT_FOUND" ? notFound(c, signedIn) : c.html(<RefusedPage signedIn={signedIn} detail={data.error.detail} />, 403);
  const failure = outcome.failure;
  if (failure?.code === "NOT_FOUND") return notFound(c, signedIn);
  const notice = noticeOf({ done: c.req.query("done"), refused: c.req.query("refused") });
  return c.html(
    <EnvironmentPage
      data={data.value}
      signedIn={signedIn}
      now={deps.now()}
      done={failure ? undefined : notice.done}
      error={failure ? failure.detail : notice.error}
      createdWebhook={outcome.createdWebhook}
      submitted={failure ? outcome.submitted : undefined}
      fieldErrors={fieldErrorsOf(failure)}
    />,
    failure ? problemCatalog[failure.code].status : outcome.createdWebhook ? 201 : 200,
  );
}

/** What a key sees for something it may see but not open: the API's 403 detail. */
export function RefusedPage(props: { signedIn: SignedIn; detail: string }) {
  return (
    <Layout title="Not allowed" current="" signedIn={props.signedIn}>
      <h1>Not allowed</h1>
      <p class="error">{props.detail}</p>
      <p>
        <a href="/">Back to the overview</a>
      </p>
    </Layout>
  );
}

export function registerEnvironmentPage(app: Router) {
  page(app, "/environments/:name", (c, signedIn) => renderEnvironmentPage(c, signedIn, param(c, "name")));
}
