// npm run soak [-- --duration=10m --connections=4 --change-every=3s]
//
// Stagecraft under sustained load for minutes, with the control plane busy
// at the same time, then a check of what must still hold:
//
// - a few connections invoke a prompt on the built-in `echo` model without
//   pause, each request with an external_id of its own;
// - every few seconds the prompt's staging LATEST changes, by a promote from
//   development or a revert, through the API; after each change one invoke
//   must already serve the new release;
// - a webhook on staging points at a receiver this script runs on loopback.
//
// At the end, once the queue has drained (bounded wait), it prints the
// figures and exits non-zero when an invariant fails: every invoke answered
// 2xx is recorded exactly once and nothing else is; the hourly rollups
// count the same; the audit chain verifies and grew by one event per
// change; the receiver got every event once, correctly signed; no 5xx.
//
// Stagecraft runs as in the benchmark (bench/workers.mjs): the deploy
// bundle on workerd through Miniflare, with local D1, KV, Queues and the
// Durable Object, on a state of its own under bench/.build/soak-state.
import { createHmac } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { createServer } from "node:http";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { startStagecraft } from "./workers.mjs";

const STATE = path.join(import.meta.dirname, ".build", "soak-state");
/** How long the end waits for the queue and the webhook deliveries to catch up before calling a shortfall a failure. */
const DRAIN_TIMEOUT_MS = 120_000;
const SAMPLE_EVERY_MS = 1_000;

/** "10m", "90s", "1m30s", "500ms" or a number of seconds, in milliseconds. */
export function parseDuration(text) {
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text) * 1000;
  const units = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  let total = 0;
  const rest = text.replace(/(\d+(?:\.\d+)?)(ms|s|m|h)/g, (_, n, unit) => {
    total += Number(n) * units[unit];
    return "";
  });
  if (rest !== "" || total <= 0) throw new Error(`not a duration: "${text}" (try 90s, 3m, 1m30s)`);
  return total;
}

function parseArgs(argv) {
  const options = { duration: 3 * 60_000, connections: 4, changeEvery: 3_000 };
  for (const arg of argv) {
    const [name, value] = arg.replace(/^--/, "").split("=");
    if (name === "duration") options.duration = parseDuration(value);
    else if (name === "connections") options.connections = Number.parseInt(value, 10);
    else if (name === "change-every") options.changeEvery = parseDuration(value);
    else throw new Error(`unknown option ${arg}; use --duration=3m --connections=4 --change-every=3s`);
  }
  if (!(options.connections >= 1)) throw new Error("--connections must be a whole number of at least 1");
  return options;
}

/** One API call; the body parsed when it is JSON. Throws unless the status is the one expected. */
export async function api(base, pathname, key, { method, body, expect } = {}) {
  const res = await fetch(`${base}${pathname}`, {
    method: method ?? (body === undefined ? "GET" : "POST"),
    headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  const json = text ? JSON.parse(text) : null;
  if (expect !== undefined && res.status !== expect) throw new Error(`${method ?? "GET"} ${pathname}: ${res.status} ${text.slice(0, 500)}`);
  return { status: res.status, headers: res.headers, body: json };
}

const echoSpec = (system) => ({
  input_variables: [{ key: "question", type: "STRING", required: true }],
  model: { provider: "echo", name: "echo" },
  blocks: [
    { role: "system", template: system },
    { role: "user", template: "{{ question }}" },
  ],
});

/**
 * A workspace with the prompt `name` on the echo model: one release in
 * staging and two in development (two revisions of the sandbox), so that
 * promotes into staging can alternate between two contents; and a staging
 * execute key.
 */
export async function seedWorkspace(stagecraft, name) {
  const { api_key } = (await api(stagecraft.url, "/v1/workspaces", stagecraft.bootstrapToken, { body: { name: "Soak" }, expect: 201 })).body;
  const admin = api_key.key;
  const sandbox = (await api(stagecraft.url, "/v1/sandboxes", admin, { body: { name, kind: "prompt", spec: echoSpec("You answer questions.") }, expect: 201 })).body;
  const first = await api(stagecraft.url, `/v1/sandboxes/${sandbox.id}/deploy`, admin, {
    body: { deployment_name: name, environments: ["development", "staging"] },
    expect: 201,
  });
  await api(stagecraft.url, `/v1/sandboxes/${sandbox.id}`, admin, { method: "PATCH", body: { spec: echoSpec("You answer questions, briefly.") }, expect: 200 });
  const second = await api(stagecraft.url, `/v1/sandboxes/${sandbox.id}/deploy`, admin, { body: { deployment_name: name, environments: ["development"] }, expect: 201 });
  const development = [first.body.releases.find((r) => r.environment === "development").id, second.body.releases[0].id];
  const execute = (await api(stagecraft.url, "/v1/api-keys", admin, { body: { name: "soak", environment: "staging", scopes: ["execute"] }, expect: 201 })).body.key;
  return { admin, execute, development };
}

/**
 * The resident memory (bytes) of every workerd process descending from this
 * one, in all and the anonymous part (heaps; the rest is mapped files, such
 * as the local databases); Linux only (null elsewhere).
 */
export function workerdMemory() {
  try {
    const procs = new Map();
    for (const pid of readdirSync("/proc").filter((d) => /^\d+$/.test(d))) {
      try {
        const status = readFileSync(`/proc/${pid}/status`, "utf8");
        procs.set(Number(pid), {
          name: /^Name:\s+(\S+)/m.exec(status)?.[1],
          ppid: Number(/^PPid:\s+(\d+)/m.exec(status)?.[1]),
          rss: Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? 0) * 1024,
          anon: Number(/^RssAnon:\s+(\d+) kB/m.exec(status)?.[1] ?? 0) * 1024,
        });
      } catch {
        // the process ended meanwhile
      }
    }
    const descends = (pid) => {
      for (let p = procs.get(pid)?.ppid; p; p = procs.get(p)?.ppid) if (p === process.pid) return true;
      return false;
    };
    const total = { rss: 0, anon: 0 };
    for (const [pid, proc] of procs) {
      if (proc.name !== "workerd" || !descends(pid)) continue;
      total.rss += proc.rss;
      total.anon += proc.anon;
    }
    return total;
  } catch {
    return null;
  }
}

/**
 * A Standard Webhooks receiver on loopback: checks each request's signature
 * with the webhook's secret (known once the webhook exists) and keeps each
 * event, by its `webhook-id`, as its type and release.
 */
function startReceiver() {
  const receiver = { secret: null, requests: 0, badSignatures: 0, events: new Map() };
  const server = createServer((req, res) => {
    const chunks = [];
    req.on("data", (chunk) => chunks.push(chunk));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      const id = req.headers["webhook-id"];
      const timestamp = req.headers["webhook-timestamp"];
      receiver.requests++;
      const key = Buffer.from(String(receiver.secret).replace(/^whsec_/, ""), "base64");
      const expected = `v1,${createHmac("sha256", key).update(`${id}.${timestamp}.${body}`).digest("base64")}`;
      const signatures = String(req.headers["webhook-signature"] ?? "").split(" ");
      if (!signatures.includes(expected)) receiver.badSignatures++;
      const seen = receiver.events.get(id);
      if (seen) seen.count++;
      else {
        const event = JSON.parse(body);
        receiver.events.set(id, { count: 1, key: `${event.type}:${event.data?.release?.id}` });
      }
      res.writeHead(204).end();
    });
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve({ receiver, url: `http://127.0.0.1:${server.address().port}/hooks`, close: () => server.close() })));
}

const percentile = (sorted, p) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : Number.NaN);
const mib = (bytes) => `${(bytes / 1024 / 1024).toFixed(0)} MiB`;
const memoryText = (m) => (m ? `${mib(m.rss)} (${mib(m.anon)} anonymous)` : "n/a");

/** Invokes without pause until `until`, each request with a unique external_id; counts by status, keeps the ids answered 2xx. */
async function invokeLoop(base, key, runId, connection, until, tally) {
  let n = 0;
  while (Date.now() < until) {
    const externalId = `soak-${runId}-${connection}-${n++}`;
    const started = performance.now();
    try {
      const res = await fetch(`${base}/v1/execute-prompt`, {
        method: "POST",
        headers: { "x-api-key": key, "content-type": "application/json" },
        body: JSON.stringify({ prompt_deployment_name: "soak", external_id: externalId, inputs: [{ name: "question", type: "STRING", value: `Question ${n}?` }] }),
      });
      await res.arrayBuffer();
      tally.byClass[`${Math.floor(res.status / 100)}xx`]++;
      if (res.ok) {
        tally.served.add(externalId);
        tally.latencies.push(performance.now() - started);
        tally.servedAt.push(Date.now());
      } else if (res.status >= 500) tally.serverErrors.push(res.status);
    } catch (error) {
      tally.networkErrors++;
      tally.lastNetworkError = String(error?.cause ?? error);
    }
  }
}

/**
 * Changes staging's LATEST every `every` ms until `until`: a promote from
 * development (alternating between its two releases) then a revert, and so
 * on. After each change, one invoke must already serve the release it made.
 */
async function changeLoop(base, seed, until, every, changes) {
  for (let i = 0; Date.now() + every < until; i++) {
    await sleep(every);
    const started = performance.now();
    const isPromote = i % 2 === 0;
    const res = isPromote
      ? await api(base, `/v1/releases/${seed.development[(i / 2) % 2]}/promote`, seed.admin, { body: { environments: ["staging"] } })
      : await api(base, "/v1/deployments/soak/revert?environment=staging", seed.admin, { body: {} });
    changes.latencies.push(performance.now() - started);
    if (res.status !== 201) {
      changes.failed.push(`${isPromote ? "promote" : "revert"}: ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`);
      continue;
    }
    changes.made++;
    const releaseId = isPromote ? res.body.results[0].release.id : res.body.release.id;
    changes.releases.push({ id: releaseId, event: isPromote ? "release.promoted" : "release.reverted" });
    const check = await fetch(`${base}/v1/execute-prompt`, {
      method: "POST",
      headers: { "x-api-key": seed.execute, "content-type": "application/json" },
      body: JSON.stringify({ prompt_deployment_name: "soak", external_id: `soak-check-${i}`, inputs: [{ name: "question", type: "STRING", value: "Which release?" }] }),
    });
    await check.arrayBuffer();
    if (check.ok) changes.checkIds.push(`soak-check-${i}`);
    if (check.headers.get("x-release-id") !== releaseId) changes.stale.push(`${releaseId} expected, ${check.headers.get("x-release-id")} served (${check.status})`);
  }
}

/**
 * Every second: the rows the queue consumer wrote since the last sample
 * (by rowid, which only grows), each one's lag, and workerd's memory.
 * Lag of a row = when this sampler first saw it − when its invoke ended
 * (started_at + latency_ms, the Worker's clock, the same machine's), so it
 * is an upper bound by up to one sampling interval.
 */
function startSampler(db, tally) {
  const state = { lastRowid: 0, recorded: 0, lags: [], maxBacklog: 0, peakMemory: null, stopped: false };
  const sample = async () => {
    for (;;) {
      const { results } = await db
        .prepare("SELECT rowid AS r, started_at AS s, latency_ms AS l FROM executions WHERE rowid > ? ORDER BY rowid LIMIT 10000")
        .bind(state.lastRowid)
        .all();
      const now = Date.now();
      for (const row of results) state.lags.push(now - (row.s + row.l));
      state.recorded += results.length;
      if (results.length) state.lastRowid = results.at(-1).r;
      if (results.length < 10_000) break;
    }
    state.maxBacklog = Math.max(state.maxBacklog, tally.served.size - state.recorded);
    const memory = workerdMemory();
    if (memory && memory.rss > (state.peakMemory?.rss ?? 0)) state.peakMemory = memory;
  };
  const loop = (async () => {
    while (!state.stopped) {
      await sample().catch((error) => console.error(`sampler: ${error.message}`));
      await sleep(SAMPLE_EVERY_MS);
    }
    await sample();
  })();
  const stop = () => {
    state.stopped = true;
    return loop;
  };
  return { state, stop };
}

/** Polls `read` until `done` holds or `timeoutMs` passes; returns the last value read. */
async function waitFor(read, done, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  let value = await read();
  while (!done(value) && Date.now() < deadline) {
    await sleep(1000);
    value = await read();
  }
  return value;
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  const runId = Date.now().toString(36);
  const hook = await startReceiver();
  const stagecraft = await startStagecraft("miniflare", 0, {
    state: STATE,
    // The receiver listens on plain http on loopback, which the egress check refuses in production and,
    // at other stages, unless EGRESS_ALLOW_PRIVATE_HOSTS lists it. STAGE changes nothing else the soak uses.
    vars: { STAGE: "development", EGRESS_ALLOW_PRIVATE_HOSTS: "127.0.0.1" },
  });
  const failures = [];
  try {
    const db = await stagecraft.mf.getD1Database("DB");
    const seed = await seedWorkspace(stagecraft, "soak");
    const webhook = await api(stagecraft.url, "/v1/webhooks?environment=staging", seed.admin, { body: { url: hook.url, events: ["*"] } });
    if (webhook.status !== 201)
      throw new Error(`the webhook on loopback was refused (${webhook.status} ${JSON.stringify(webhook.body)}); does the egress check still honour EGRESS_ALLOW_PRIVATE_HOSTS?`);
    hook.receiver.secret = webhook.body.secret;
    const auditBefore = (await api(stagecraft.url, "/v1/audit-events/verify", seed.admin, { expect: 200 })).body;

    const tally = { byClass: { "1xx": 0, "2xx": 0, "3xx": 0, "4xx": 0, "5xx": 0 }, served: new Set(), servedAt: [], latencies: [], serverErrors: [], networkErrors: 0 };
    const changes = { made: 0, releases: [], failed: [], stale: [], latencies: [], checkIds: [] };
    const memoryStart = workerdMemory();
    const sampler = startSampler(db, tally);
    const started = Date.now();
    const until = started + options.duration;
    console.log(
      `Soak: ${options.connections} connection(s) for ${(options.duration / 1000).toFixed(0)} s, a change of staging's LATEST every ${(options.changeEvery / 1000).toFixed(1)} s`,
    );
    const progress = setInterval(() => {
      const s = sampler.state;
      console.log(
        `  ${((Date.now() - started) / 1000).toFixed(0).padStart(5)} s  served ${tally.served.size}  recorded ${s.recorded}  changes ${changes.made}  workerd ${memoryText(workerdMemory())}`,
      );
    }, 30_000);
    await Promise.all([
      ...Array.from({ length: options.connections }, (_, c) => invokeLoop(stagecraft.url, seed.execute, runId, c, until, tally)),
      changeLoop(stagecraft.url, seed, until, options.changeEvery, changes),
    ]);
    clearInterval(progress);
    const elapsed = (Date.now() - started) / 1000;
    for (const id of changes.checkIds) tally.served.add(id);

    // The end: wait (bounded) for the queue to write every record and for every event to reach the receiver.
    const drainStarted = Date.now();
    const countRecorded = async () => (await db.prepare("SELECT count(*) AS n FROM executions").first()).n;
    const recorded = await waitFor(countRecorded, (n) => n >= tally.served.size, DRAIN_TIMEOUT_MS);
    const drainSeconds = (Date.now() - drainStarted) / 1000;
    await sampler.stop();
    // Each change announces release.created and release.promoted (or release.reverted) for the release it made.
    const expectedEvents = new Set(changes.releases.flatMap(({ id, event }) => [`release.created:${id}`, `${event}:${id}`]));
    const receivedExpected = () => [...hook.receiver.events.values()].filter((e) => expectedEvents.has(e.key)).length;
    await waitFor(receivedExpected, (n) => n >= expectedEvents.size, DRAIN_TIMEOUT_MS);
    const memoryEnd = workerdMemory();

    const duplicates = (await db.prepare("SELECT external_id AS id, count(*) AS n FROM executions GROUP BY external_id HAVING n > 1").all()).results;
    const recordedIds = new Set((await db.prepare("SELECT external_id AS id FROM executions").all()).results.map((r) => r.id));
    const missing = [...tally.served].filter((id) => !recordedIds.has(id));
    const unexpected = [...recordedIds].filter((id) => !tally.served.has(id));
    const metrics = (await api(stagecraft.url, "/v1/metrics?environment=staging", seed.admin, { expect: 200 })).body;
    const audit = (await api(stagecraft.url, "/v1/audit-events/verify", seed.admin, { expect: 200 })).body;
    const deliveries = [];
    for (let cursor = null; ; ) {
      const page = (await api(stagecraft.url, `/v1/webhooks/${webhook.body.id}/deliveries?limit=100${cursor ? `&cursor=${cursor}` : ""}`, seed.admin, { expect: 200 })).body;
      deliveries.push(...page.data);
      cursor = page.next_cursor;
      if (!cursor) break;
    }
    const redelivered = [...hook.receiver.events.values()].filter((e) => e.count > 1).length;
    const received = receivedExpected();
    const otherEvents = hook.receiver.events.size - received;

    const lat = [...tally.latencies].sort((a, b) => a - b);
    const lags = [...sampler.state.lags].sort((a, b) => a - b);
    const changeLat = [...changes.latencies].sort((a, b) => a - b);
    const requests = Object.values(tally.byClass).reduce((a, b) => a + b, 0) + tally.networkErrors;
    const check = (ok, text) => {
      console.log(`  ${ok ? "ok  " : "FAIL"}  ${text}`);
      if (!ok) failures.push(text);
    };
    console.log(`\nSoak finished after ${elapsed.toFixed(0)} s (${options.connections} connections; Miniflare on workerd, local D1/KV/Queues/Durable Object)`);
    console.log(
      `  invokes: ${requests} requests, ${(requests / elapsed).toFixed(0)}/s; 2xx ${tally.byClass["2xx"]}, 4xx ${tally.byClass["4xx"]}, 5xx ${tally.byClass["5xx"]}, network errors ${tally.networkErrors}` +
        `; latency p50 ${percentile(lat, 50).toFixed(1)} ms, p99 ${percentile(lat, 99).toFixed(1)} ms`,
    );
    console.log(
      `  changes: ${changes.made} promotes and reverts of staging (${changes.failed.length} refused); answered in p50 ${percentile(changeLat, 50).toFixed(0)} ms, max ${(changeLat.at(-1) ?? Number.NaN).toFixed(0)} ms`,
    );
    console.log(
      `  queue consumer lag (first seen in D1 − end of the invoke, sampled each ${SAMPLE_EVERY_MS / 1000} s): p50 ${(percentile(lags, 50) / 1000).toFixed(1)} s, p99 ${(percentile(lags, 99) / 1000).toFixed(1)} s, max ${((lags.at(-1) ?? Number.NaN) / 1000).toFixed(1)} s; ` +
        `most served but not yet recorded at once: ${sampler.state.maxBacklog}; drained ${drainSeconds.toFixed(0)} s after the load stopped`,
    );
    console.log(`  workerd memory (RSS): ${memoryText(memoryStart)} at the start, ${memoryText(sampler.state.peakMemory)} at the peak, ${memoryText(memoryEnd)} at the end`);
    console.log(
      `  webhooks: ${received} of the ${expectedEvents.size} events the changes emitted received (${otherEvents} other events, ${hook.receiver.requests} requests, ${redelivered} events delivered more than once); delivery log: ` +
        `${deliveries.filter((d) => d.status === "succeeded").length} succeeded, ${deliveries.filter((d) => d.status === "pending").length} pending, ${deliveries.filter((d) => d.status === "failed").length} failed`,
    );
    console.log("\nInvariants:");
    check(
      tally.byClass["5xx"] === 0 && tally.networkErrors === 0,
      `no 5xx and no network error (${tally.byClass["5xx"]} 5xx${tally.serverErrors.length ? ` ${[...new Set(tally.serverErrors)]}` : ""}, ${tally.networkErrors} network errors${tally.lastNetworkError ? `, last: ${tally.lastNetworkError}` : ""})`,
    );
    check(
      recorded === tally.served.size && missing.length === 0,
      `executions recorded = requests served: ${recorded} recorded, ${tally.served.size} served 2xx, ${missing.length} served but not recorded`,
    );
    check(
      duplicates.length === 0 && unexpected.length === 0,
      `no duplicate records: ${duplicates.length} external_ids recorded more than once, ${unexpected.length} recorded that were never served`,
    );
    check(metrics.overall.executions === recorded, `the hourly rollups count the same: ${metrics.overall.executions} in GET /v1/metrics`);
    check(audit.valid === true, `the audit chain verifies (GET /v1/audit-events/verify): ${JSON.stringify(audit)}`);
    check(audit.events - auditBefore.events === changes.made, `one audit event per change: ${audit.events - auditBefore.events} new events for ${changes.made} changes`);
    check(changes.failed.length === 0, `every promote and revert succeeded${changes.failed.length ? `: ${changes.failed.slice(0, 3).join("; ")}` : ""}`);
    check(changes.stale.length === 0, `the invoke after each change serves its release (${changes.stale.length} stale${changes.stale.length ? `: ${changes.stale[0]}` : ""})`);
    check(
      received === expectedEvents.size && hook.receiver.badSignatures === 0,
      `webhook deliveries received = events: ${received} of ${expectedEvents.size}, ${hook.receiver.badSignatures} requests with a bad signature`,
    );
  } finally {
    await Promise.allSettled([stagecraft.dispose(), hook.close()]);
  }
  if (failures.length) {
    console.log(`\n${failures.length} invariant(s) failed.`);
    process.exitCode = 1;
  } else console.log("\nEvery invariant held.");
}

if (process.argv[1] && path.resolve(process.argv[1]) === import.meta.filename) await main();
