import { AUDIT_ACTIONS, type ChainVerdict } from "../../audit/audit-log";
import type { Router } from "../../http/router";
import { problemCatalog } from "../../lib/problem";
import { TableScroll } from "../environments/table-scroll";
import { type KeyNames, keyName } from "../key-names";
import { Layout, type SignedIn } from "../layout";
import { age } from "../overview-page";
import { notFound, page } from "../pages";
import { type AuditEventItem, type AuditFilters, type AuditLog, readAuditLog } from "./audit-log";

function Verdict(props: { verdict: ChainVerdict | null }) {
  const { verdict } = props;
  if (!verdict) return <p class="hint">Only a workspace admin key can verify the audit chain, which spans every environment.</p>;
  if (verdict.valid) {
    return (
      <p class="notice audit-verified" role="status" data-chain="valid">
        Chain verified: {verdict.events} events, each linked to the one before by its hash.
      </p>
    );
  }
  return (
    <p class="error" role="alert" data-chain="broken">
      Chain broken at event {verdict.first_invalid_event_id}: {verdict.reason}. {verdict.events} events before it verified.
    </p>
  );
}

function FilterForm(props: { filters: AuditFilters; log: AuditLog | null }) {
  const { filters } = props;
  const environments = props.log?.environments ?? [];
  return (
    <form method="get" action="/audit" class="audit-filters">
      <div>
        <label for="filter-action">Action</label>
        <select id="filter-action" name="action">
          <option value="">Any action</option>
          {AUDIT_ACTIONS.map((action) => (
            <option value={action} selected={filters.action === action}>
              {action}
            </option>
          ))}
        </select>
      </div>
      <div>
        <label for="filter-environment">Environment</label>
        <select id="filter-environment" name="environment">
          <option value="">Any environment</option>
          {environments.map((env) => (
            <option value={env.name} selected={filters.environment === env.name}>
              {env.name}
            </option>
          ))}
        </select>
      </div>
      <div>
        <label for="filter-target">Target id</label>
        <input type="text" id="filter-target" name="target_id" value={filters.target_id} maxlength={64} autocomplete="off" placeholder="rel_…, key_…, whk_…" />
      </div>
      <div class="audit-filter-buttons">
        <button type="submit">Filter</button>
        <a href="/audit">Clear filters</a>
      </div>
    </form>
  );
}

const pretty = (value: unknown) => JSON.stringify(value, null, 2);

function Changes(props: { event: AuditEventItem }) {
  const { before, after } = props.event;
  if (before === null && after === null) return <span class="none">no details</span>;
  return (
    <details>
      <summary>Before and after</summary>
      <h3 class="audit-pre-label">Before</h3>
      {before === null ? <p class="none">nothing (created)</p> : <pre class="env-json audit-json">{pretty(before)}</pre>}
      <h3 class="audit-pre-label">After</h3>
      {after === null ? <p class="none">nothing (deleted)</p> : <pre class="env-json audit-json">{pretty(after)}</pre>}
    </details>
  );
}

function Actor(props: { actor: AuditEventItem["actor"]; names: KeyNames }) {
  const { actor } = props;
  if (actor.type !== "api_key" || !actor.id) return <span>{actor.type}</span>;
  const name = keyName(props.names, actor.id);
  return (
    <span data-actor={actor.id}>
      {name === actor.id ? <code>{actor.id}</code> : name}
      {actor.identity ? <span class="meta">CI: {actor.identity.subject}</span> : null}
    </span>
  );
}

/** The dashboard page of an event's target, where one exists. */
function targetHref(target: AuditEventItem["target"], log: AuditLog): string | null {
  const id = encodeURIComponent(target.id);
  switch (target.type) {
    case "release":
      return `/releases/${id}`;
    case "deployment":
      return `/deployments/${id}`;
    case "promotion_request":
      return "/approvals";
    case "sandbox":
      return `/sandboxes/${id}`;
    case "test_suite":
      return `/test-suites/${id}`;
    case "test_suite_run":
      return `/test-suite-runs/${id}`;
    case "webhook":
      return `/webhooks/${id}`;
    case "rollout": {
      const deployment = log.rolloutDeployments.get(target.id);
      return deployment ? `/deployments/${encodeURIComponent(deployment)}` : null;
    }
    default:
      return null;
  }
}

function Target(props: { target: AuditEventItem["target"]; log: AuditLog }) {
  const { target } = props;
  const href = targetHref(target, props.log);
  return (
    <>
      {href ? <a href={href}>{target.type}</a> : target.type}
      <span class="meta">
        <code>{target.id}</code>
      </span>
    </>
  );
}

/** The `environment_id`s an event's before/after names, at the top or in the lists it carries (a promotion into several environments). */
function namedEnvironmentIds(event: AuditEventItem): string[] {
  const ids = new Set<string>();
  const collect = (value: unknown) => {
    if (typeof value !== "object" || value === null) return;
    const id = (value as { environment_id?: unknown }).environment_id;
    if (typeof id === "string") ids.add(id);
  };
  for (const side of [event.after, event.before]) {
    if (typeof side !== "object" || side === null) continue;
    for (const value of Object.values(side)) if (Array.isArray(value)) value.forEach(collect);
  }
  if (ids.size === 0) collect(event.after);
  return [...ids];
}

/** The query of the next page: the same filters, the cursor after this page. */
function olderHref(filters: AuditFilters, cursor: string) {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(filters)) if (value !== "") query.set(name, value);
  query.set("cursor", cursor);
  return `/audit?${query.toString()}`;
}

/** The audit log the key may see, newest first, filtered as GET /v1/audit-events filters, with the chain's verdict on top. */
export function AuditPage(props: { log: AuditLog | null; filters: AuditFilters; signedIn: SignedIn; now: Date; error?: string | undefined }) {
  const { log } = props;
  const nameOf = (id: string) => log?.environments.find((e) => e.id === id)?.name;
  // A workspace-wide event (a promotion into several environments) names its environments in its details.
  const environmentText = (event: AuditEventItem) => {
    if (event.environment_id !== null) return nameOf(event.environment_id) ?? event.environment_id;
    const named = namedEnvironmentIds(event).flatMap((id) => nameOf(id) ?? []);
    return named.length ? named.join(", ") : "workspace";
  };
  return (
    <Layout title="Audit log" current="/audit" signedIn={props.signedIn}>
      <h1>Audit log</h1>
      <p class="hint">Every change, who made it and what it changed. Each event carries the hash of the one before, so a removed or altered event breaks the chain.</p>
      {log ? <Verdict verdict={log.verdict} /> : null}
      {props.error ? (
        <p class="error" role="alert">
          {props.error}
        </p>
      ) : null}
      <FilterForm filters={props.filters} log={log} />
      {!log ? null : log.events.length === 0 ? (
        <p>No event matches.</p>
      ) : (
        <TableScroll label="Audit events table">
          <table>
            <caption class="hint">Audit events, newest first</caption>
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Action</th>
                <th scope="col">Actor</th>
                <th scope="col">Target</th>
                <th scope="col">Environment</th>
                <th scope="col">Changes</th>
              </tr>
            </thead>
            <tbody>
              {log.events.map((event) => (
                <tr data-event={event.id} data-action={event.action}>
                  <td class="audit-when">
                    <time datetime={event.occurred_at}>{age(event.occurred_at, props.now)}</time>
                    <span class="meta">#{event.seq}</span>
                  </td>
                  <th scope="row">
                    <code>{event.action}</code>
                  </th>
                  <td>
                    <Actor actor={event.actor} names={log.actors} />
                  </td>
                  <td>
                    <Target target={event.target} log={log} />
                  </td>
                  <td>{environmentText(event)}</td>
                  <td>
                    <Changes event={event} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      )}
      {log?.nextCursor ? (
        <p>
          <a href={olderHref(props.filters, log.nextCursor)}>Older events</a>
        </p>
      ) : null}
    </Layout>
  );
}

export function registerAuditPage(app: Router) {
  page(app, "/audit", async (c, signedIn) => {
    const deps = c.get("deps");
    const filters: AuditFilters = { action: c.req.query("action") ?? "", environment: c.req.query("environment") ?? "", target_id: (c.req.query("target_id") ?? "").trim() };
    const log = await readAuditLog(deps, signedIn.principal, filters, c.req.query("cursor") || undefined);
    if (!log.ok && log.error.code === "NOT_FOUND") return notFound(c, signedIn);
    return c.html(
      <AuditPage log={log.ok ? log.value : null} filters={filters} signedIn={signedIn} now={deps.now()} error={log.ok ? undefined : log.error.detail} />,
      log.ok ? 200 : problemCatalog[log.error.code].status,
    );
  });
}
