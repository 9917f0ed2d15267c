// npm run bench: Stagecraft's own overhead on the invoke path, measured
// against a bare pass-through Worker calling the same instant stub model,
// both Workers under the same runner.
//
// Two measurements per target:
// - loaded: BENCH_CONNECTIONS (16) connections at once. The machine is
//   saturated, so requests/s is the figure that counts (CPU per request);
//   latency there is mostly queueing (p50 ≈ connections / requests/s).
// - unloaded: one connection, one request at a time. Latency is then the
//   time a request takes, and the difference between the Workers is what
//   Stagecraft adds to a request.
// The targets take turns over BENCH_ROUNDS rounds, so that other load on
// the machine falls on both alike; the script prints the median of the
// rounds and their range.
import { readdirSync, readFileSync } from "node:fs";
import autocannon from "autocannon";
import { measureChanges, seedChanges } from "./changes.mjs";
import { startStubModel, stubPromptSpec } from "./stub-model.mjs";
import { RUNNERS, startBareWorker, startPortkeyFromSource, startPortkeyOnNode, startStagecraft } from "./workers.mjs";

const RUNNER = process.env.BENCH_RUNNER ?? RUNNERS[0];
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);
const DURATION_S = Number(process.env.BENCH_DURATION ?? 5);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const WARMUP_S = 3;
/** Changes of each kind (promote, revert, tag move) per change-latency run. */
const CHANGE_ROUNDS = Number(process.env.BENCH_CHANGE_ROUNDS ?? 20);
// A checkout of Portkey's gateway source, its dependencies installed: then it is also run on Stagecraft's runner.
const PORTKEY_SRC = process.env.BENCH_PORTKEY_SRC;

async function api(base, path, key, body) {
  const res = await fetch(`${base}${path}`, {
    method: "POST",
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  const json = await res.json();
  if (!res.ok) throw new Error(`${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

/**
 * A workspace with two prompts on the stub model live in staging, and a
 * staging execute key: "bench" served plainly, and "bench-split" under an
 * A/B rollout that sends each request to one of two releases (50/50, drawn
 * per request, since the bench sends no subject).
 */
async function seed(stagecraft, stubUrl) {
  const { api_key } = await api(stagecraft.url, "/v1/workspaces", stagecraft.bootstrapToken, { name: "Bench" });
  const spec = (system) => stubPromptSpec(stubUrl, system);
  for (const name of ["bench", "bench-split"]) {
    const sandbox = await api(stagecraft.url, "/v1/sandboxes", api_key.key, { name, kind: "prompt", spec: spec("You answer questions about {{ env.product }}.") });
    await api(stagecraft.url, `/v1/sandboxes/${sandbox.id}/deploy`, api_key.key, { deployment_name: name, environments: ["development", "staging"] });
    if (name === "bench") continue;
    const update = await fetch(`${stagecraft.url}/v1/sandboxes/${sandbox.id}`, {
      method: "PATCH",
      headers: { authorization: `Bearer ${api_key.key}`, "content-type": "application/json" },
      body: JSON.stringify({ spec: spec("You answer questions about {{ env.product }}, briefly.") }),
    });
    if (!update.ok) throw new Error(`sandbox update: ${update.status}`);
    const { releases } = await api(stagecraft.url, `/v1/sandboxes/${sandbox.id}/deploy`, api_key.key, { deployment_name: name, environments: ["development"] });
    await api(stagecraft.url, `/v1/deployments/${name}/rollouts?environment=staging`, api_key.key, { release_id: releases[0].id, mode: "ab", percent: 50 });
  }
  const execute = (await api(stagecraft.url, "/v1/api-keys", api_key.key, { name: "bench", environment: "staging", scopes: ["execute"] })).key;
  return { admin: api_key.key, execute };
}

/** How many executions staging has recorded (from its metrics), once the queue has written them all: the count stops moving. */
async function recordedExecutions(stagecraft, adminKey) {
  let last = -1;
  for (let i = 0; i < 120; i++) {
    const res = await fetch(`${stagecraft.url}/v1/metrics?environment=staging`, { headers: { authorization: `Bearer ${adminKey}` } });
    const count = (await res.json()).overall.executions;
    if (count === last) return count;
    last = count;
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  return last;
}

/** The first request a fresh isolate serves (an invoke refused for its key: module start-up, routing, authentication), then the same again. */
async function firstRequests(url) {
  const time = async () => {
    const started = performance.now();
    const res = await fetch(`${url}/v1/execute-prompt`, { method: "POST", headers: { "x-api-key": "sc_env_not-a-key", "content-type": "application/json" }, body: "{}" });
    await res.arrayBuffer();
    return performance.now() - started;
  };
  const first = await time();
  return { first, second: await time() };
}

/**
 * CPU time (ms) used so far by this process's descendants: the workerd
 * processes and the stub, not the load generator. Linux only; null elsewhere.
 * On a shared machine it varies far less than requests/s does.
 */
function descendantsCpuMs() {
  try {
    const procs = new Map();
    for (const pid of readdirSync("/proc").filter((d) => /^\d+$/.test(d))) {
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
        const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
        procs.set(Number(pid), { ppid: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]) });
      } catch {
        // the process ended meanwhile
      }
    }
    const descends = (pid) => {
      for (let p = procs.get(pid)?.ppid; p; p = procs.get(p)?.ppid) if (p === process.pid) return true;
      return false;
    };
    let ticks = 0;
    for (const [pid, { ticks: t }] of procs) if (descends(pid)) ticks += t;
    return (ticks * 1000) / 100; // USER_HZ is 100 on Linux
  } catch {
    return null;
  }
}

function percentile(sorted, p) {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : NaN;
}

/** One autocannon run; latencies are kept at autocannon's full (sub-millisecond) resolution. */
function measure(target, connections, duration) {
  const latencies = [];
  const cpuBefore = descendantsCpuMs();
  return new Promise((resolve, reject) => {
    const instance = autocannon({ ...target.options, connections, duration }, (error, result) => {
      if (error) return reject(error);
      latencies.sort((a, b) => a - b);
      const cpu = cpuBefore === null ? null : (descendantsCpuMs() - cpuBefore) / result.requests.total;
      // Every request sent reached the Worker, including those still in flight when the run stopped.
      target.sent = (target.sent ?? 0) + result.requests.sent;
      target.failed = (target.failed ?? 0) + result.non2xx + result.errors;
      resolve({ rps: latencies.length / duration, p50: percentile(latencies, 50), p99: percentile(latencies, 99), cpu });
    });
    instance.on("response", (_client, status, _bytes, ms) => {
      if (status < 300) latencies.push(ms);
    });
  });
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const range = (values, digits) => {
  const sorted = [...values].sort((a, b) => a - b);
  const fmt = (v) => v.toFixed(digits);
  return sorted.length > 1 ? `${fmt(median(values))} (${fmt(sorted[0])}–${fmt(sorted.at(-1))})` : fmt(sorted[0]);
};

function printTable(title, targets, results, mode) {
  console.log(`\n${title}`);
  console.log(["target".padEnd(34), "req/s".padStart(22), "p50 ms".padStart(22), "p99 ms".padStart(22), "CPU ms/req".padStart(22)].join(" "));
  for (const t of targets) {
    const runs = results.map((round) => round[t.name][mode]);
    console.log(
      [
        t.name.padEnd(34),
        range(
          runs.map((r) => r.rps),
          0,
        ).padStart(22),
        range(
          runs.map((r) => r.p50),
          2,
        ).padStart(22),
        range(
          runs.map((r) => r.p99),
          2,
        ).padStart(22),
        (runs[0].cpu === null
          ? "n/a"
          : range(
              runs.map((r) => r.cpu),
              2,
            )
        ).padStart(22),
      ].join(" "),
    );
  }
}

/** Portkey's chat completions, routed to the stub as an OpenAI-compatible custom host. */
function portkeyRequest(url, stubUrl) {
  return {
    url: `${url}/v1/chat/completions`,
    method: "POST",
    headers: { "content-type": "application/json", authorization: "Bearer stub", "x-portkey-provider": "openai", "x-portkey-custom-host": `${stubUrl}/v1` },
    body: JSON.stringify({
      model: "stub",
      messages: [
        { role: "system", content: "You answer questions about Stagecraft." },
        { role: "user", content: "What is the answer?" },
      ],
    }),
  };
}

const stub = await startStubModel();
const bare = await startBareWorker(RUNNER, stub.url, 8791);
// The stub model listens on plain http on loopback, which egress control refuses in production;
// development with loopback let through runs the same checks on every call.
const stagecraft = await startStagecraft(RUNNER, 8792, { vars: { STAGE: "development", EGRESS_ALLOW_PRIVATE_HOSTS: "127.0.0.1" } });
const startup = await firstRequests(stagecraft.url);
const portkeyNode = await startPortkeyOnNode(8793);
const portkeySource = PORTKEY_SRC ? await startPortkeyFromSource(RUNNER, PORTKEY_SRC, 8794) : null;
try {
  const { admin, execute: key } = await seed(stagecraft, stub.url);
  const bodyFor = (deployment) => JSON.stringify({ prompt_deployment_name: deployment, inputs: [{ name: "question", type: "STRING", value: "What is the answer?" }] });
  const post = { method: "POST", headers: { "content-type": "application/json" }, body: bodyFor("bench") };
  const invoke = (deployment) => ({ url: `${stagecraft.url}/v1/execute-prompt`, ...post, body: bodyFor(deployment), headers: { ...post.headers, "x-api-key": key } });
  const targets = [
    { name: "stub model, direct", options: { url: `${stub.url}/v1/chat/completions`, ...post } },
    { name: "bare pass-through Worker", options: { url: `${bare.url}/`, ...post } },
    { name: "Stagecraft execute-prompt (hot)", options: invoke("bench"), records: true },
    { name: "Stagecraft, 50/50 rollout split", options: invoke("bench-split"), records: true },
    ...(portkeySource ? [{ name: "Portkey gateway, same runner", options: portkeyRequest(portkeySource.url, stub.url) }] : []),
    { name: "Portkey gateway on Node (npm)", options: portkeyRequest(portkeyNode.url, stub.url) },
  ];
  for (const t of targets) await measure(t, CONNECTIONS, WARMUP_S);

  const results = [];
  for (let round = 0; round < ROUNDS; round++) {
    const row = {};
    for (const t of targets) row[t.name] = { loaded: await measure(t, CONNECTIONS, DURATION_S), unloaded: await measure(t, 1, DURATION_S) };
    results.push(row);
  }

  const baseline = "bare pass-through Worker";
  const ours = "Stagecraft execute-prompt (hot)";
  const split = "Stagecraft, 50/50 rollout split";
  console.log(
    `\nStagecraft invoke benchmark, runner: ${RUNNER === "miniflare" ? "Miniflare (workerd's own socket per Worker, no proxy)" : "wrangler dev (Node proxy in front of workerd)"}; ` +
      `${ROUNDS} round(s) of ${DURATION_S} s per target and mode after ${WARMUP_S} s warm-up; median (min–max) over the rounds`,
  );
  printTable(`Loaded: ${CONNECTIONS} connections`, targets, results, "loaded");
  printTable("Unloaded: 1 connection, one request at a time", targets, results, "unloaded");
  const per = (mode, f) => results.map((round) => f(round[ours][mode], round[baseline][mode]));
  console.log(
    `\nStagecraft over the bare Worker:\n` +
      `  loaded (${CONNECTIONS} connections): ${range(
        per("loaded", (o, b) => (o.rps / b.rps) * 100),
        0,
      )}% of its requests/s; ` +
      `p50 +${range(
        per("loaded", (o, b) => o.p50 - b.p50),
        2,
      )} ms, p99 +${range(
        per("loaded", (o, b) => o.p99 - b.p99),
        2,
      )} ms` +
      (results[0][ours].loaded.cpu === null
        ? "\n"
        : `; CPU +${range(
            per("loaded", (o, b) => o.cpu - b.cpu),
            2,
          )} ms per request\n`) +
      `  unloaded (1 connection): p50 +${range(
        per("unloaded", (o, b) => o.p50 - b.p50),
        2,
      )} ms, p99 +${range(
        per("unloaded", (o, b) => o.p99 - b.p99),
        2,
      )} ms`,
  );
  const splitOver = (mode, f) => results.map((round) => f(round[split][mode], round[ours][mode]));
  console.log(
    `\nA rollout's split over the same invoke without one:\n` +
      `  loaded: ${range(
        splitOver("loaded", (o, b) => (o.rps / b.rps) * 100),
        0,
      )}% of its requests/s` +
      (results[0][ours].loaded.cpu === null
        ? ""
        : `; CPU ${range(
            splitOver("loaded", (o, b) => o.cpu - b.cpu),
            3,
          )} ms per request`) +
      `\n  unloaded: p50 ${range(
        splitOver("unloaded", (o, b) => o.p50 - b.p50),
        3,
      )} ms, p99 ${range(
        splitOver("unloaded", (o, b) => o.p99 - b.p99),
        3,
      )} ms`,
  );
  const ratio = (peer, label) => {
    if (!targets.some((t) => t.name === peer)) return;
    const loaded = results.map((round) => round[ours].loaded.rps / round[peer].loaded.rps);
    const cpu = results.map((round) => round[ours].loaded.cpu - round[peer].loaded.cpu);
    const p50 = results.map((round) => round[ours].unloaded.p50 - round[peer].unloaded.p50);
    const p99 = results.map((round) => round[ours].unloaded.p99 - round[peer].unloaded.p99);
    console.log(
      `\nStagecraft over ${label}:\n  loaded: ${range(loaded, 2)} × its requests/s` +
        (results[0][ours].loaded.cpu === null ? "" : `; CPU ${range(cpu, 2)} ms per request`) +
        `\n  unloaded: p50 ${range(p50, 2)} ms, p99 ${range(p99, 2)} ms`,
    );
  };
  ratio("Portkey gateway, same runner", "Portkey's gateway on the same runner");
  ratio("Portkey gateway on Node (npm)", "Portkey's gateway on Node");

  // Changes are measured once the queue consumer has written the rounds' records, so that the quiet
  // run is quiet; the busy one brings its own invoke load.
  await recordedExecutions(stagecraft, admin);
  const seededChanges = await seedChanges(stagecraft.url, admin, stub.url);
  const quiet = await measureChanges(stagecraft.url, admin, seededChanges, { rounds: CHANGE_ROUNDS });
  const loadTarget = targets.find((t) => t.name === ours);
  const busy = await measureChanges(stagecraft.url, admin, seededChanges, { rounds: CHANGE_ROUNDS, load: { options: loadTarget.options, connections: CONNECTIONS / 2 } });
  loadTarget.sent += busy.loadSent;
  loadTarget.failed += busy.loadFailed;
  console.log(`\nChanges, ${CHANGE_ROUNDS} of each kind one after another; each followed by one invoke that must serve it (target: p50 ≤ 100 ms, p99 ≤ 200 ms):`);
  for (const [label, run] of [
    ["quiet", quiet],
    [`under load (${CONNECTIONS / 2} connections invoking)`, busy],
  ]) {
    const ops = Object.entries(run.summary).map(([op, { p50, p99 }]) => `${op} p50 ${p50.toFixed(0)} / p99 ${p99.toFixed(0)} ms`);
    console.log(`  ${label}: ${ops.join("; ")}; the next invoke served the change ${run.fresh} of ${run.total} times${run.fresh === run.total ? "" : "  ← STALE"}`);
    if (run.fresh !== run.total) process.exitCode = 1;
  }

  console.log("\nNon-2xx responses and errors per target (all rounds and warm-up):");
  for (const t of targets) console.log(`  ${t.name.padEnd(34)} ${t.failed ?? 0} of ${t.sent ?? 0} sent`);
  const sent = targets.filter((t) => t.records).reduce((sum, t) => sum + (t.sent ?? 0), 0);
  const recorded = await recordedExecutions(stagecraft, admin);
  console.log(`\nExecutions recorded: ${recorded} for ${sent} invokes sent${recorded === sent ? "" : "  ← MISMATCH"}`);
  const bundle = stagecraft.bundle ? `the Worker bundle is ${(stagecraft.bundle.raw / 1024).toFixed(0)} KiB (${(stagecraft.bundle.gzip / 1024).toFixed(0)} KiB gzip); ` : "";
  console.log(`\nCold start: ${bundle}a fresh isolate's first request took ${startup.first.toFixed(1)} ms, the next ${startup.second.toFixed(1)} ms`);
  if (recorded !== sent) process.exitCode = 1;
} finally {
  await Promise.allSettled([stagecraft.dispose(), bare.dispose(), portkeyNode.dispose(), portkeySource?.dispose(), stub.close()]);
}
