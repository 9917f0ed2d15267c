// How long a change takes to answer, and whether the very next invoke serves
// it: promotes and reverts in production and tag moves in development, one
// at a time, each followed by one invoke that must name the release the
// change made live (X-Release-Id). Run once on a quiet server and once with
// invoke traffic going on, so that isolates hold the old pointer hot.
import autocannon from "autocannon";
import { stubPromptSpec } from "./stub-model.mjs";

const OPERATIONS = ["promote", "revert", "tag move"];

async function call(base, method, path, key, body) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const json = await res.json();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

/** "changes": two releases in staging, the first promoted to production, both in development with a tag "pinned"; a key per environment. */
export async function seedChanges(base, adminKey, stubUrl) {
  const spec = (system) => stubPromptSpec(stubUrl, system);
  const sandbox = await call(base, "POST", "/v1/sandboxes", adminKey, { name: "changes", kind: "prompt", spec: spec("First.") });
  const first = await call(base, "POST", `/v1/sandboxes/${sandbox.id}/deploy`, adminKey, { deployment_name: "changes", environments: ["development", "staging"] });
  await call(base, "PATCH", `/v1/sandboxes/${sandbox.id}`, adminKey, { spec: spec("Second.") });
  const second = await call(base, "POST", `/v1/sandboxes/${sandbox.id}/deploy`, adminKey, { deployment_name: "changes", environments: ["development", "staging"] });
  const byEnv = (deployed, env) => deployed.releases.find((r) => r.environment === env).id;
  await call(base, "POST", `/v1/releases/${byEnv(first, "staging")}/promote`, adminKey, { environments: ["production"] });
  const keyFor = async (environment) => (await call(base, "POST", "/v1/api-keys", adminKey, { name: `changes-${environment}`, environment, scopes: ["execute"] })).key;
  return {
    deploymentId: first.deployment.id,
    staging: [byEnv(first, "staging"), byEnv(second, "staging")],
    development: [byEnv(first, "development"), byEnv(second, "development")],
    keys: { production: await keyFor("production"), development: await keyFor("development") },
  };
}

/** The release the next invoke serves. */
async function servedRelease(base, key, releaseTag) {
  const res = await fetch(`${base}/v1/execute-prompt`, {
    method: "POST",
    headers: { "x-api-key": key, "content-type": "application/json" },
    body: JSON.stringify({ prompt_deployment_name: "changes", release_tag: releaseTag, inputs: [{ name: "question", type: "STRING", value: "Which release?" }] }),
  });
  await res.arrayBuffer();
  return res.headers.get("x-release-id");
}

/** One change of the given kind; resolves to how long it took and the release it made live, and the tag to invoke with. */
async function change(base, adminKey, seeded, operation, i) {
  const started = performance.now();
  if (operation === "promote") {
    const result = await call(base, "POST", `/v1/releases/${seeded.staging[i % 2 === 0 ? 1 : 0]}/promote`, adminKey, { environments: ["production"] });
    return { ms: performance.now() - started, live: result.results[0].release.id, key: seeded.keys.production, tag: undefined };
  }
  if (operation === "revert") {
    const result = await call(base, "POST", `/v1/deployments/${seeded.deploymentId}/revert?environment=production`, adminKey);
    return { ms: performance.now() - started, live: result.release.id, key: seeded.keys.production, tag: undefined };
  }
  const target = seeded.development[i % 2];
  await call(base, "PATCH", `/v1/deployments/${seeded.deploymentId}/release-tags/pinned?environment=development`, adminKey, { history_item_id: target });
  return { ms: performance.now() - started, live: target, key: seeded.keys.development, tag: "pinned" };
}

/**
 * `rounds` changes of each kind in turn. With `load`, an autocannon run
 * keeps invoking `load.options` meanwhile; its requests are returned so that
 * the caller can count them among the invokes to find recorded.
 */
export async function measureChanges(base, adminKey, seeded, { rounds, load }) {
  const background = load ? autocannon({ ...load.options, connections: load.connections, duration: 3_600 }) : null;
  const finished = background ? new Promise((resolve) => background.on("done", resolve)) : null;
  if (background) await new Promise((resolve) => setTimeout(resolve, 1_000));
  const times = Object.fromEntries(OPERATIONS.map((op) => [op, []]));
  let fresh = 0;
  let total = 0;
  try {
    for (let i = 0; i < rounds; i++) {
      for (const operation of OPERATIONS) {
        const done = await change(base, adminKey, seeded, operation, i);
        times[operation].push(done.ms);
        total += 1;
        if ((await servedRelease(base, done.key, done.tag)) === done.live) fresh += 1;
      }
    }
  } finally {
    background?.stop();
  }
  const result = await finished;
  const summary = Object.fromEntries(
    Object.entries(times).map(([op, values]) => {
      const sorted = [...values].sort((a, b) => a - b);
      const at = (p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
      return [op, { p50: at(50), p99: at(99) }];
    }),
  );
  return { summary, fresh, total, loadSent: result ? result.requests.sent : 0, loadFailed: result ? result.non2xx + result.errors : 0 };
}
