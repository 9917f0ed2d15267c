import type { EnvironmentView } from "../../environments/environments";
import { effectiveLimit } from "../../limits/rate-limits";
import { formatUsd } from "../monitoring/format";
import type { FormFields } from "../pages";
import type { BudgetToday } from "./environment-data";
import { describedBy, FieldError, type FieldErrors, shownValue } from "./field-errors";
import { utcText } from "./policy-summary";

/** "120 a minute", with what the limiter really lets through where that is fewer; "no limit" for none. */
function rateText(limit: number | null): string {
  if (limit === null) return "no limit";
  const effective = effectiveLimit(limit);
  return effective === limit ? `${limit} a minute` : `${limit} a minute (about ${effective} pass)`;
}

/** Today's spend against the budget, and whether invocations are refused for it. */
export function BudgetStatus(props: { budget: BudgetToday | null }) {
  const budget = props.budget;
  if (!budget) return <p class="none">No daily budget is set: spend is not limited.</p>;
  return (
    <p data-budget-state={budget.refusedUntil ? "exhausted" : "open"}>
      Spent today ({budget.day}, UTC): <strong data-field="spent_today">{formatUsd(budget.spentUsd)}</strong> of {formatUsd(budget.budgetUsd)}.{" "}
      {budget.refusedUntil ? (
        <span class="error">
          Invocations are refused (429 BUDGET_EXHAUSTED) until <time datetime={budget.refusedUntil}>{utcText(budget.refusedUntil)}</time>, or until the budget is raised.
        </span>
      ) : (
        <span>Invocations are served.</span>
      )}
    </p>
  );
}

/** One optional number of the limits form: label, hint, the value shown, and its error beside it. */
function NumberField(props: {
  id: string;
  name: string;
  label: string;
  hint: string;
  stored: number | null;
  submitted: FormFields | undefined;
  errors: FieldErrors;
  min: number;
  step: number | "any";
}) {
  const errors = props.errors.get(props.name);
  return (
    <>
      <label for={props.id}>{props.label}</label>
      <input
        type="number"
        id={props.id}
        name={props.name}
        min={props.min}
        step={props.step}
        value={shownValue(props.submitted, props.name, props.stored === null ? "" : String(props.stored))}
        {...describedBy(props.id, { hint: true, errors })}
      />
      <span class="hint" id={`${props.id}-hint`}>
        {props.hint}
      </span>
      <FieldError id={props.id} errors={errors} />
    </>
  );
}

function LimitsForm(props: { environment: EnvironmentView; csrf: string; submitted: FormFields | undefined; errors: FieldErrors }) {
  const env = props.environment;
  const shared = { submitted: props.submitted, errors: props.errors };
  return (
    <form method="post" action={`/environments/${encodeURIComponent(env.name)}/limits`} class="env-form">
      <input type="hidden" name="csrf" value={props.csrf} />
      <fieldset>
        <legend>Rate limits (invocations a minute)</legend>
        <NumberField
          id="limits-environment-rate"
          name="rate_limit_per_minute"
          label="Environment rate limit"
          hint={`Invocations a minute all keys together may make in ${env.name}, counted in each Cloudflare location; past it an invoke gets 429 RATE_LIMITED. Empty: no limit.`}
          stored={env.rate_limit_per_minute}
          min={1}
          step={1}
          {...shared}
        />
        <NumberField
          id="limits-key-rate"
          name="key_rate_limit_per_minute"
          label="Rate limit per API key"
          hint="Invocations a minute each key may make here, counted the same way. Empty: no limit."
          stored={env.key_rate_limit_per_minute}
          min={1}
          step={1}
          {...shared}
        />
      </fieldset>
      <NumberField
        id="limits-daily-budget"
        name="daily_budget_usd"
        label="Daily budget (USD)"
        hint="What executions here may cost per UTC day. Once spent, invokes get 429 BUDGET_EXHAUSTED until the next UTC day or until the budget is raised. Empty: no budget."
        stored={env.daily_budget_usd}
        min={0}
        step="any"
        {...shared}
      />
      <button type="submit">Save limits</button>
    </form>
  );
}

/** Rate limits, the daily budget and today's spend: a form for workspace admins, facts for everyone else. */
export function LimitsSection(props: {
  environment: EnvironmentView;
  budget: BudgetToday | null;
  csrf: string;
  editable: boolean;
  submitted: FormFields | undefined;
  errors: FieldErrors;
}) {
  const env = props.environment;
  return (
    <section class="env-section" aria-labelledby="limits">
      <h2 id="limits">Rate limits and budget</h2>
      <p class="hint">How much traffic and spend {env.name} serves before it refuses invocations. The spend is summed from executions' cost within seconds of each.</p>
      <BudgetStatus budget={props.budget} />
      {props.editable ? (
        <LimitsForm environment={env} csrf={props.csrf} submitted={props.submitted} errors={props.errors} />
      ) : (
        <dl class="env-facts">
          <dt>Environment rate limit</dt>
          <dd data-field="rate_limit_per_minute">{rateText(env.rate_limit_per_minute)}</dd>
          <dt>Rate limit per API key</dt>
          <dd data-field="key_rate_limit_per_minute">{rateText(env.key_rate_limit_per_minute)}</dd>
          <dt>Daily budget</dt>
          <dd data-field="daily_budget_usd">{env.daily_budget_usd === null ? "none" : formatUsd(env.daily_budget_usd)}</dd>
        </dl>
      )}
    </section>
  );
}
