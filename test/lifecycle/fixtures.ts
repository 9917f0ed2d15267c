import { call, type TestWorkspace } from "../harness";

/** The prompt of the architecture's example, with a question template that can be changed per test. */
export function promptSpec(userTemplate = "{{ question }}", systemTemplate = "You answer questions about {{ product }}.") {
  return {
    input_variables: [
      { key: "question", type: "STRING", required: true },
      { key: "product", type: "STRING", default: "Stagecraft" },
    ],
    model: { provider: "echo", name: "echo", parameters: { temperature: 0 } },
    blocks: [
      { role: "system", template: systemTemplate },
      { role: "user", template: userTemplate },
    ],
  };
}

export async function createSandbox(ws: TestWorkspace, name = "faq", spec: unknown = promptSpec(), kind = "prompt") {
  const res = await call("/v1/sandboxes", { key: ws.adminKey, body: { name, kind, spec } });
  if (res.status !== 201) throw new Error(`sandbox creation failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as { id: string; deployment_id: string; revision: number };
}

export async function saveSandbox(ws: TestWorkspace, id: string, spec: unknown) {
  const res = await call(`/v1/sandboxes/${id}`, { method: "PATCH", key: ws.adminKey, body: { spec } });
  if (res.status !== 200) throw new Error(`sandbox save failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

export async function deploy(ws: TestWorkspace, sandboxId: string, environments: string[], extra: Record<string, unknown> = {}, key = ws.adminKey) {
  return call(`/v1/sandboxes/${sandboxId}/deploy`, { key, body: { deployment_name: "faq", environments, ...extra } });
}

/** A workspace whose "faq" prompt is deployed to development and staging, with production left unprotected where asked. */
export async function deployedWorkspace(ws: TestWorkspace) {
  const sandbox = await createSandbox(ws);
  const deployed = await deploy(ws, sandbox.id, ["development", "staging"]);
  if (deployed.status !== 201) throw new Error(`deploy failed: ${deployed.status} ${JSON.stringify(deployed.body)}`);
  return { sandbox, deployment: deployed.body.deployment, releases: deployed.body.releases as { id: string; environment: string }[] };
}
