import { describe, expect, it } from "vitest";
import { call, createWorkspace, type TestWorkspace } from "../harness";
import { createSandbox } from "../lifecycle/fixtures";

const DOCS = [
  { title: "Refunds", text: "Refunds take 14 days. Refunds are paid to the original card." },
  { title: "Shipping", text: "Shipping takes 3 days within the country." },
  { title: "Returns", text: "Returns are accepted within 30 days; refunds follow the return." },
];

async function faq(ws: TestWorkspace, environment: string, docs = DOCS) {
  expect((await call(`/v1/document-indexes?environment=${environment}`, { key: ws.adminKey, body: { name: "faq" } })).status).toBe(201);
  for (const doc of docs) expect((await call(`/v1/document-indexes/faq/documents?environment=${environment}`, { key: ws.adminKey, body: doc })).status).toBe(201);
}

const searchWorkflow = {
  input_variables: [{ key: "question", type: "STRING" }],
  nodes: [
    { id: "retrieve", type: "search", index: "faq", query: "{{ inputs.question }}", limit: 3 },
    { id: "final", type: "output", name: "answer", value: "{{ nodes.retrieve.text }}" },
  ],
  edges: [{ from: "retrieve", to: "final" }],
};

type Hit = { text: string; score: number };

describe("search scores", () => {
  it("/v1/search and a workflow search node give the same score, on one scale that other indexes do not move", async () => {
    const ws = await createWorkspace();
    await faq(ws, "staging");
    const key = (await ws.key({ environment: "staging", scopes: ["execute", "read"] })).key;
    const viaSearch = async (): Promise<Hit[]> => (await call("/v1/search?environment=staging", { key, body: { index_name: "faq", query: "refunds days" } })).body.results;
    const sandbox = await createSandbox(ws, "retrieval", searchWorkflow, "workflow");
    const viaWorkflow = async (): Promise<Hit[]> => {
      const run = await call(`/v1/sandboxes/${sandbox.id}/run?environment=staging`, { key: ws.adminKey, body: { inputs: { question: "refunds days" } } });
      expect(run.status).toBe(200);
      return run.body.nodes.find((n: { id: string }) => n.id === "retrieve").output.results;
    };

    const searched = await viaSearch();
    expect(searched.length).toBeGreaterThan(1);
    expect(await viaWorkflow()).toEqual(searched.map((hit) => expect.objectContaining({ text: hit.text, score: hit.score })));
    // Higher is better, and of the order BM25 gives with this index's own statistics (not ~1e-6).
    expect(searched[0]!.score).toBeGreaterThan(0.1);
    for (const hit of searched) expect(hit.score).toBeGreaterThan(0);
    expect([...searched].sort((a, b) => b.score - a.score)).toEqual(searched);

    // Documents elsewhere (another environment, another workspace) change neither score.
    await faq(ws, "production", [...DOCS, ...Array.from({ length: 8 }, (_, i) => ({ title: `Refunds ${i}`, text: `Refunds take ${i} days.` }))]);
    const other = await createWorkspace();
    await faq(
      other,
      "staging",
      Array.from({ length: 8 }, (_, i) => ({ title: `Days ${i}`, text: `Refunds and days ${i}.` })),
    );
    expect(await viaSearch()).toEqual(searched);
    expect(await viaWorkflow()).toEqual(searched.map((hit) => expect.objectContaining({ text: hit.text, score: hit.score })));
  });
});
