import type { Router } from "../../http/router";
import { notFound, page, param } from "../pages";
import { isWindow, readEnvironmentMonitoring } from "./environment-monitoring";
import { ExecutionPage } from "./execution-page";
import { NO_FILTERS, readExecutionDetail, readExecutionsList, readFilters } from "./executions";
import { ExecutionsPage } from "./executions-page";
import { MonitoringIndexPage, readEnvironmentSummaries } from "./monitoring-index-page";
import { MonitoringPage } from "./monitoring-page";

/** Monitoring per environment: charts per release, the executions list and each execution. */
export function registerMonitoringPages(app: Router) {
  page(app, "/monitoring", async (c, signedIn) => {
    const environments = await readEnvironmentSummaries(c.get("deps"), signedIn.principal);
    // An environment key has one environment: its monitoring is the page.
    if (environments.length === 1) return c.redirect(`/environments/${encodeURIComponent(environments[0]!.name)}/monitoring`, 302);
    return c.html(<MonitoringIndexPage environments={environments} signedIn={signedIn} />);
  });

  page(app, "/environments/:name/monitoring", async (c, signedIn) => {
    const deps = c.get("deps");
    const requested = c.req.query("window");
    const deployment = c.req.query("deployment")?.trim() || undefined;
    const data = await readEnvironmentMonitoring(deps, signedIn.principal, param(c, "name"), { window: isWindow(requested) ? requested : "24h", deployment });
    if (!data.ok) return notFound(c, signedIn);
    return c.html(<MonitoringPage data={data.value} signedIn={signedIn} now={deps.now()} />);
  });

  page(app, "/environments/:name/executions", async (c, signedIn) => {
    const deps = c.get("deps");
    const filters = readFilters((name) => c.req.query(name));
    const cursor = filters.ok ? c.req.query("cursor") || undefined : undefined;
    const list = await readExecutionsList(deps, signedIn.principal, param(c, "name"), filters.ok ? filters.value : NO_FILTERS, cursor);
    if (!list.ok) return notFound(c, signedIn);
    const filterError = filters.ok ? undefined : filters.error.detail;
    const status = filterError || (!list.value.page.ok && list.value.page.error.code === "VALIDATION_FAILED") ? 400 : list.value.page.ok ? 200 : 404;
    return c.html(
      <ExecutionsPage list={list.value} filters={filters.ok ? filters.value : NO_FILTERS} cursor={cursor} filterError={filterError} signedIn={signedIn} now={deps.now()} />,
      status,
    );
  });

  page(app, "/executions/:id", async (c, signedIn) => {
    const deps = c.get("deps");
    const detail = await readExecutionDetail(deps, signedIn.principal, param(c, "id"));
    if (!detail.ok) return notFound(c, signedIn);
    return c.html(<ExecutionPage detail={detail.value} signedIn={signedIn} now={deps.now()} />);
  });
}
