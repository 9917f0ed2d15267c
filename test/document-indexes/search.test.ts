import { env } from "cloudflare:workers";
import { VellumClient } from "vellum-ai";
import { afterEach, describe, expect, it, vi } from "vitest";
import { chunkText } from "../../src/documents/document-indexes";
import { mockNetwork } from "../execute/upstream";
import { call, createWorkspace, expectProblem, storageSnapshot, type TestWorkspace } from "../harness";
import { SERVER } from "../vellum/sdk-client";

afterEach(() => {
  vi.restoreAllMocks();
});

async function index(ws: TestWorkspace, environment: string, docs: { title: string; text: string; external_id?: string; metadata?: Record<string, unknown> }[]) {
  const created = await call(`/v1/document-indexes?environment=${environment}`, { key: ws.adminKey, body: { name: "faq" } });
  expect(created.status).toBe(201);
  for (const doc of docs) expect((await call(`/v1/document-indexes/faq/documents?environment=${environment}`, { key: ws.adminKey, body: doc })).status).toBe(201);
  return created.body;
}

const search = (key: string, body: Record<string, unknown>) => call("/v1/search", { key, body: { index_name: "faq", ...body } });

describe("document indexes", () => {
  it("the same index name holds each environment's own documents; a key sees only its own", async () => {
    const ws = await createWorkspace();
    await index(ws, "staging", [{ title: "Refunds (staging)", text: "Refunds take 30 days in staging." }]);
    await index(ws, "production", [{ title: "Refunds", text: "Refunds take 14 days." }]);
    const staging = (await ws.key({ environment: "staging", scopes: ["execute", "read"] })).key;
    const production = (await ws.key({ environment: "production", scopes: ["execute", "read"] })).key;

    expect((await search(staging, { query: "refunds" })).body.results.map((r: { text: string }) => r.text)).toEqual(["Refunds take 30 days in staging."]);
    expect((await search(production, { query: "refunds" })).body.results.map((r: { text: string }) => r.text)).toEqual(["Refunds take 14 days."]);
    const listed = await call("/v1/document-indexes", { key: staging });
    expect(listed.body.data).toEqual([expect.objectContaining({ name: "faq", environment: "staging", document_count: 1 })]);
    expectProblem(await call("/v1/document-indexes?environment=production", { key: staging }), 404);
    expectProblem(await call("/v1/search?environment=production", { key: staging, body: { index_name: "faq", query: "x" } }), 404);
  });

  it("ranks by BM25, names matched keywords, and filters by external id and metadata", async () => {
    const ws = await createWorkspace();
    await index(ws, "staging", [
      { title: "Deploys", text: "Deploy a sandbox to staging, then promote the release to production.", external_id: "d1", metadata: { topic: "lifecycle", tier: 1 } },
      { title: "Reverts", text: "Revert production in one call: the release live before comes back.", external_id: "d2", metadata: { topic: "lifecycle", tier: 2 } },
      { title: "Keys", text: "API keys belong to one environment.", external_id: "d3", metadata: { topic: "security", tier: 1 } },
    ]);
    const key = (await ws.key({ environment: "staging", scopes: ["execute"] })).key;
    const ranked = await search(key, { query: "revert production release" });
    expect(ranked.body.results[0]).toMatchObject({
      document: { label: "Reverts", external_id: "d2", metadata: { topic: "lifecycle" } },
      keywords: ["revert", "production", "release"],
    });
    expect(ranked.body.results[0].score).toBeGreaterThan(ranked.body.results[1].score);

    const byExternalId = await search(key, { query: "production", options: { filters: { external_ids: ["d1"] } } });
    expect(byExternalId.body.results.map((r: { document: { external_id: string } }) => r.document.external_id)).toEqual(["d1"]);
    const byMetadata = await search(key, {
      query: "environment production release",
      options: {
        filters: {
          metadata: {
            type: "LOGICAL_CONDITION_GROUP",
            combinator: "AND",
            negated: false,
            conditions: [
              { type: "LOGICAL_CONDITION", lhs_variable: { type: "STRING", value: "topic" }, operator: "=", rhs_variable: { type: "STRING", value: "lifecycle" } },
              { type: "LOGICAL_CONDITION", lhs_variable: { type: "STRING", value: "tier" }, operator: "=", rhs_variable: { type: "NUMBER", value: 1 } },
            ],
          },
        },
      },
    });
    expect(byMetadata.body.results.map((r: { document: { external_id: string } }) => r.document.external_id)).toEqual(["d1"]);
    const legacy = await search(key, {
      query: "environment",
      options: { filters: { metadata: { combinator: "and", negated: false, rules: [{ field: "topic", operator: "=", value: "security" }] } } },
    });
    expect(legacy.body.results.map((r: { document: { external_id: string } }) => r.document.external_id)).toEqual(["d3"]);
    expectProblem(await search(key, { query: "x", options: { filters: { metadata: { operator: "=" } } } }), 400);
  });

  it.each([
    ['"unbalanced quote'],
    ["NEAR(a b) OR * AND NOT ( (("],
    ["title:refunds"],
    ["-- ; DROP TABLE documents; --"],
    ["x".repeat(10_000)],
    ["日本語のテキスト 🚀 émigré"],
    [""],
    ["***"],
  ])("a hostile query %# gives results or an empty list, never an error", async (query) => {
    const ws = await createWorkspace();
    await index(ws, "staging", [{ title: "Refunds", text: "Refunds take 14 days. 日本語のテキスト émigré" }]);
    const key = (await ws.key({ environment: "staging", scopes: ["execute"] })).key;
    const res = await search(key, { query });
    expect(res.status).toBe(200);
    expect(Array.isArray(res.body.results)).toBe(true);
  });

  it("long text is cut into passages; re-adding an external id replaces; deleting removes it from search", async () => {
    const ws = await createWorkspace();
    const created = await index(ws, "staging", []);
    const long = Array.from({ length: 12 }, (_, i) => `Paragraph ${i} talks about topic${i} at some length so that the passages fill up nicely.`.repeat(3)).join("\n\n");
    const added = await call("/v1/document-indexes/faq/documents?environment=staging", { key: ws.adminKey, body: { title: "Long", text: long, external_id: "long" } });
    expect(added.body.chunks).toBeGreaterThan(2);
    expect(chunkText(long).every((chunk) => chunk.length <= 1000)).toBe(true);
    const key = (await ws.key({ environment: "staging", scopes: ["execute"] })).key;
    expect((await search(key, { query: "topic11" })).body.results).toHaveLength(1);

    const replaced = await call("/v1/document-indexes/faq/documents?environment=staging", { key: ws.adminKey, body: { title: "Short", text: "Now short.", external_id: "long" } });
    expect((await search(key, { query: "topic11" })).body.results).toEqual([]);
    const count = await env.DB.prepare("SELECT COUNT(*) AS n FROM document_chunks_fts WHERE index_id = ?").bind(created.id).first<{ n: number }>();
    expect(count?.n).toBe(1);

    const before = await storageSnapshot();
    expectProblem(await call(`/v1/document-indexes/faq/documents/doc_nope?environment=staging`, { key: ws.adminKey, method: "DELETE" }), 404);
    expect(await storageSnapshot()).toEqual(before);
    expect((await call(`/v1/document-indexes/faq/documents/${replaced.body.id}?environment=staging`, { key: ws.adminKey, method: "DELETE" })).status).toBe(200);
    expect((await search(key, { query: "short" })).body.results).toEqual([]);
  });

  it("the vellum-ai client searches", async () => {
    mockNetwork();
    const ws = await createWorkspace();
    await index(ws, "staging", [{ title: "Refunds", text: "Refunds take 14 days.", external_id: "r1" }]);
    const client = new VellumClient({
      apiKey: (await ws.key({ environment: "staging", scopes: ["execute"] })).key,
      environment: { default: SERVER, predict: SERVER, documents: SERVER },
    });
    const res = await client.search({ indexName: "faq", query: "how long do refunds take", options: { limit: 3 } });
    expect(res.results[0]).toMatchObject({ text: "Refunds take 14 days.", document: { label: "Refunds", externalId: "r1" } });
  });

  it("deleting an environment takes its indexes and documents with it", async () => {
    const ws = await createWorkspace();
    await call("/v1/environments", { key: ws.adminKey, body: { name: "qa" } });
    await index(ws, "qa", [{ title: "T", text: "Some text." }]);
    expect((await call("/v1/environments/qa", { key: ws.adminKey, method: "DELETE" })).status).toBe(200);
    const left = await env.DB.prepare("SELECT (SELECT COUNT(*) FROM document_indexes WHERE workspace_id = ?1) + (SELECT COUNT(*) FROM documents WHERE workspace_id = ?1) AS n")
      .bind(ws.id)
      .first<{ n: number }>();
    expect(left?.n).toBe(0);
  });
});
