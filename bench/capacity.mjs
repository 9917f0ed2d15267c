// npm run capacity: the measured inputs of docs/capacity.md.
//
// Starts Stagecraft as the soak does (bench/workers.mjs: the deploy bundle on
// workerd through Miniflare, local D1, KV, Queues and Durable Object) and
// measures, on this machine:
//
// 1. Bytes per row in D1, from D1's own `size_after` (the database size the
//    10 GB limit counts) before and after inserting rows through the queue
//    consumer's own insert (`insertExecutions` in src/executions/repository.ts,
//    which the rollup triggers of migration 0004 follow):
//    - an execution row (with its indexes), records cloned from a real
//      echo invoke, all in one hour of one release;
//    - the same with 2,000 more characters of inputs and outputs (a row
//      past ~1/4 of a 4 KiB page no longer shares its page, so size is not
//      linear in the payload: measure the payload you expect);
//    - a rollup row and a latency-histogram row, by spreading executions over
//      distinct hours (one new rollup and histogram row each) or distinct
//      latencies (one new histogram row each).
// 2. The consumer's inserts per second: the same insert, timed, in batches
//    of 100 and 1,000 records.
// 3. Promotes per second per deployment: CAPACITY_PROMOTERS (16) clients
//    promoting into one deployment's staging at once for CAPACITY_SECONDS (20).
//
// CAPACITY_ROWS (5000) sets the rows per size measurement.
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { tsImport } from "tsx/esm/api";
import { api, seedWorkspace } from "./soak.mjs";
import { startStagecraft } from "./workers.mjs";

const ROWS = Number(process.env.CAPACITY_ROWS ?? 5000);
const PROMOTERS = Number(process.env.CAPACITY_PROMOTERS ?? 16);
const PROMOTE_SECONDS = Number(process.env.CAPACITY_SECONDS ?? 20);
const STATE = path.join(import.meta.dirname, ".build", "capacity-state");
const HOUR_MS = 3_600_000;
const GB = 1e9;

const { insertExecutions } = await tsImport("../src/executions/repository.ts", import.meta.url);
const { runBatch } = await tsImport("../src/db/batch.ts", import.meta.url);
const { openDatabase } = await tsImport("../src/db/client.ts", import.meta.url);

/** The columns of `executions` that hold JSON text; a record carries them as JSON values. */
const JSON_COLUMNS = new Set(["metadata", "inputs", "outputs", "nodes", "actual_metadata"]);

/** A real execution row turned back into the record the invoke path enqueues (column names as keys). */
function recordFromRow(row) {
  const record = {};
  for (const [column, value] of Object.entries(row)) record[column] = JSON_COLUMNS.has(column) && typeof value === "string" ? JSON.parse(value) : value;
  return record;
}

const chunks = (items, size) => Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));

const stagecraft = await startStagecraft("miniflare", 0, { state: STATE });
try {
  const d1 = await stagecraft.mf.getD1Database("DB");
  const db = openDatabase(d1);
  const sizeNow = async () => (await d1.prepare("SELECT 1").run()).meta.size_after;
  const seed = await seedWorkspace(stagecraft, "soak");

  // One real execution, as the queue consumer recorded it, to clone.
  const invoke = await fetch(`${stagecraft.url}/v1/execute-prompt`, {
    method: "POST",
    headers: { "x-api-key": seed.execute, "content-type": "application/json" },
    body: JSON.stringify({
      prompt_deployment_name: "soak",
      external_id: "capacity-template-0001",
      inputs: [{ name: "question", type: "STRING", value: "How do I roll back a prompt release in production?" }],
    }),
  });
  if (!invoke.ok) throw new Error(`invoke: ${invoke.status} ${await invoke.text()}`);
  let template;
  for (let i = 0; i < 60 && !template; i++) {
    template = await d1.prepare("SELECT * FROM executions LIMIT 1").first();
    if (!template) await sleep(500);
  }
  if (!template) throw new Error("the template execution was never recorded");
  const base = recordFromRow(template);
  const hour = Math.floor(Date.now() / HOUR_MS) * HOUR_MS;
  const records = (label, n, vary) =>
    Array.from({ length: n }, (_, i) => {
      const r = { ...base, id: `exe_${label}_${String(i).padStart(8, "0")}`, external_id: `${label}-${i}`, started_at: hour + (i % 3_000_000), ...vary(i) };
      return JSON.stringify(r);
    });
  const insert = async (rows, batchSize = 1000) => {
    const before = await sizeNow();
    const started = performance.now();
    for (const chunk of chunks(rows, batchSize)) await runBatch(db, insertExecutions(db, chunk));
    const ms = performance.now() - started;
    return { bytes: (await sizeNow()) - before, perSecond: (rows.length / ms) * 1000 };
  };

  // 1. Bytes per row.
  const plainRecords = records("plain", ROWS, () => ({ deployment_id: "dep_capacity_plain", latency_ms: 5 }));
  const plain = await insert(plainRecords);
  const payload = "x".repeat(1000);
  const bigRecords = records("big", ROWS, () => ({ deployment_id: "dep_capacity_big", latency_ms: 5, inputs: { question: payload }, outputs: { text: payload } }));
  const big = await insert(bigRecords);
  const hours = await insert(records("hours", ROWS, (i) => ({ deployment_id: "dep_capacity_hours", latency_ms: 5, started_at: hour - i * HOUR_MS })));
  const buckets = await insert(records("buckets", 1000, (i) => ({ deployment_id: "dep_capacity_buckets", latency_ms: i })));
  const perExecution = plain.bytes / ROWS;
  const perBigExecution = big.bytes / ROWS;
  const perHistogram = buckets.bytes / 1000 - perExecution;
  const perRollup = hours.bytes / ROWS - perExecution - perHistogram;
  const recordChars = plainRecords[0].length;

  // 2. The consumer's insert rate, in batches of 100 and 1,000 records.
  const rate100 = await insert(
    records("rate100", ROWS, () => ({ deployment_id: "dep_capacity_rate", latency_ms: 5 })),
    100,
  );
  const rate1000 = await insert(
    records("rate1000", ROWS, () => ({ deployment_id: "dep_capacity_rate", latency_ms: 5 })),
    1000,
  );

  // 3. Promotes into one deployment's staging, PROMOTERS at once.
  const latencies = [];
  let refused = 0;
  const until = Date.now() + PROMOTE_SECONDS * 1000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: PROMOTERS }, async (_, p) => {
      for (let i = 0; Date.now() < until; i++) {
        const t = performance.now();
        const res = await api(stagecraft.url, `/v1/releases/${seed.development[(p + i) % 2]}/promote`, seed.admin, { body: { environments: ["staging"] } });
        if (res.status === 201) latencies.push(performance.now() - t);
        else refused++;
      }
    }),
  );
  const promoteSeconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const audit = (await api(stagecraft.url, "/v1/audit-events/verify", seed.admin, { expect: 200 })).body;

  const kib = (bytes) => `${bytes.toFixed(0)} B`;
  console.log(`\nCapacity inputs (Miniflare on workerd, local D1; ${ROWS} rows per size measurement)`);
  console.log(`  execution row: ${kib(perExecution)} per row with its indexes, for a record of ${recordChars} characters of JSON (echo invoke)`);
  console.log(`  execution row with 2,000 more characters of inputs and outputs: ${kib(perBigExecution)} per row`);
  console.log(`  rollup row: ${kib(perRollup)}; latency-histogram row: ${kib(perHistogram)}`);
  console.log(`  consumer insert: ${rate100.perSecond.toFixed(0)} records/s in batches of 100, ${rate1000.perSecond.toFixed(0)} records/s in batches of 1,000`);
  console.log(
    `  promotes into one deployment: ${(latencies.length / promoteSeconds).toFixed(1)}/s with ${PROMOTERS} clients at once (${refused} refused); ` +
      `answered in p50 ${latencies[Math.floor(latencies.length / 2)]?.toFixed(0)} ms, max ${latencies.at(-1)?.toFixed(0)} ms; audit chain ${audit.valid ? "valid" : "BROKEN"} over ${audit.events} events`,
  );
  console.log("\n  executions per day that fit in a 10 GB D1 database (rows only, rollups aside):");
  for (const days of [7, 30, 90])
    console.log(
      `    retention ${String(days).padStart(2)} days: ${Math.floor((10 * GB) / (days * perExecution)).toLocaleString("en")} /day as measured, ` +
        `${Math.floor((10 * GB) / (days * perBigExecution)).toLocaleString("en")} /day with 2,000 more characters of inputs and outputs`,
    );
} finally {
  await stagecraft.dispose();
}
