// npm run bench: Stagecraft's own overhead on the invoke path, measured
// against a bare pass-through Worker calling the same instant stub model.
import autocannon from "autocannon";
import { startStubModel } from "./stub-model.mjs";
import { startBareWorker, startStagecraft } from "./workers.mjs";

const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);
const DURATION_S = Number(process.env.BENCH_DURATION ?? 10);
const WARMUP_S = 3;

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

/** A workspace with a prompt on the stub model, live in staging, and a staging execute key. */
async function seed(stagecraft, stubUrl) {
  const { api_key } = await api(stagecraft.url, "/v1/workspaces", stagecraft.bootstrapToken, { name: "Bench" });
  const sandbox = await api(stagecraft.url, "/v1/sandboxes", api_key.key, {
    name: "bench",
    kind: "prompt",
    spec: {
      input_variables: [{ key: "question", type: "STRING" }],
      model: { provider: "openai", name: "stub", base_url: `${stubUrl}/v1` },
      blocks: [
        { role: "system", template: "You answer questions about {{ env.product }}." },
        { role: "user", template: "{{ question }}" },
      ],
    },
  });
  await api(stagecraft.url, `/v1/sandboxes/${sandbox.id}/deploy`, api_key.key, { deployment_name: "bench", environments: ["staging"] });
  return (await api(stagecraft.url, "/v1/api-keys", api_key.key, { name: "bench", environment: "staging", scopes: ["execute"] })).key;
}

async function load(name, options) {
  await autocannon({ ...options, connections: CONNECTIONS, duration: WARMUP_S });
  const result = await autocannon({ ...options, connections: CONNECTIONS, duration: DURATION_S });
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`${name}: ${result.non2xx} non-2xx responses, ${result.errors} errors`);
  return { name, rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, requests: result.requests.total };
}

const stub = await startStubModel();
const bare = await startBareWorker(stub.url, 8791);
const stagecraft = await startStagecraft(8792);
try {
  const key = await seed(stagecraft, stub.url);
  const body = JSON.stringify({ prompt_deployment_name: "bench", inputs: [{ name: "question", type: "STRING", value: "What is the answer?" }] });
  const post = { method: "POST", headers: { "content-type": "application/json" }, body };
  const rows = [
    await load("stub model, direct", { url: `${stub.url}/v1/chat/completions`, ...post }),
    await load("bare pass-through Worker", { url: `${bare.url}/`, ...post }),
    await load("Stagecraft execute-prompt (hot)", { url: `${stagecraft.url}/v1/execute-prompt`, ...post, headers: { ...post.headers, "x-api-key": key } }),
  ];
  const [, baseline, ours] = rows;
  console.log(`\nStagecraft invoke benchmark: ${CONNECTIONS} connections, ${DURATION_S} s per target after ${WARMUP_S} s warm-up; both Workers on workerd under wrangler dev\n`);
  console.log(["target".padEnd(34), "req/s".padStart(9), "p50 ms".padStart(8), "p99 ms".padStart(8), "requests".padStart(10)].join(" "));
  for (const r of rows) console.log([r.name.padEnd(34), r.rps.toFixed(0).padStart(9), String(r.p50).padStart(8), String(r.p99).padStart(8), String(r.requests).padStart(10)].join(" "));
  console.log(
    `\nStagecraft over the bare Worker: ${((ours.rps / baseline.rps) * 100).toFixed(0)}% of its requests/s, ` +
      `p50 +${(ours.p50 - baseline.p50).toFixed(1)} ms, p99 +${(ours.p99 - baseline.p99).toFixed(1)} ms`,
  );
} finally {
  await Promise.allSettled([stagecraft.dispose(), bare.dispose(), stub.close()]);
}
