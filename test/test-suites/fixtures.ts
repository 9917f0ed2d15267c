import { call, type TestWorkspace } from "../harness";
import { createSandbox } from "../lifecycle/fixtures";

/** A prompt whose echo answer is its `text` input, so a case chooses the output its assertions see. */
export const parrotSpec = {
  input_variables: [{ key: "text", type: "STRING", required: true }],
  model: { provider: "echo", name: "echo" },
  blocks: [{ role: "user", template: "{{ text }}" }],
};

/** A prompt that knows two capitals, answering with the echo provider. */
export function capitalsSpec(known: Record<string, string> = { France: "Paris", Japan: "Tokyo" }) {
  const branches = Object.entries(known)
    .map(([country, capital], i) => `{% ${i === 0 ? "if" : "elif"} country == "${country}" %}${capital}`)
    .join("");
  return {
    input_variables: [{ key: "country", type: "STRING", required: true }],
    model: { provider: "echo", name: "echo" },
    blocks: [
      { role: "system", template: "Name the capital." },
      { role: "user", template: `${branches}{% else %}I do not know{% endif %}` },
    ],
  };
}

/** An evaluator prompt: scores 1 when the output mentions Paris, else 0. */
export const parisJudgeSpec = {
  input_variables: [{ key: "output", type: "STRING" }],
  model: { provider: "echo", name: "echo" },
  blocks: [{ role: "user", template: '{{ 1 if "Paris" in output else 0 }}' }],
};

/** Creates a sandbox named `name` and deploys it under the same name; returns the sandbox and its releases by environment. */
export async function deployPrompt(ws: TestWorkspace, name: string, spec: unknown, environments = ["staging"]) {
  const sandbox = await createSandbox(ws, name, spec);
  const res = await call(`/v1/sandboxes/${sandbox.id}/deploy`, { key: ws.adminKey, body: { deployment_name: name, environments } });
  if (res.status !== 201) throw new Error(`deploy failed: ${res.status} ${JSON.stringify(res.body)}`);
  const releases = Object.fromEntries((res.body.releases as { id: string; environment: string }[]).map((r) => [r.environment, r.id]));
  return { sandbox, releases };
}

export async function createSuite(ws: TestWorkspace, body: Record<string, unknown>, key = ws.adminKey) {
  const res = await call("/v1/test-suites", { key, body });
  if (res.status !== 201) throw new Error(`suite creation failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as { id: string; revision: number; cases: { id: string; name: string | null }[] };
}

export function runSuite(suiteId: string, key: string, body: Record<string, unknown>) {
  return call(`/v1/test-suites/${suiteId}/runs`, { key, body });
}
