import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { call, createWorkspace, expectProblem, storageSnapshot, type TestWorkspace } from "../harness";

async function indexWith(ws: TestWorkspace, environment: string, name: string, titles: string[]) {
  expect((await call(`/v1/document-indexes?environment=${environment}`, { key: ws.adminKey, body: { name } })).status).toBe(201);
  const ids: string[] = [];
  for (const title of titles) {
    const added = await call(`/v1/document-indexes/${name}/documents?environment=${environment}`, {
      key: ws.adminKey,
      body: { title, text: `${title} take 14 days.`, metadata: { t: title } },
    });
    expect(added.status).toBe(201);
    ids.push(added.body.id);
  }
  return ids;
}

const count = async (sql: string, ...binds: unknown[]) =>
  env.DB.prepare(sql)
    .bind(...binds)
    .first<number>("n");

describe("managing document indexes", () => {
  it("lists an index's documents a page at a time; another environment's key gets 404", async () => {
    const ws = await createWorkspace();
    const ids = await indexWith(ws, "staging", "faq", ["Refunds", "Returns", "Shipping"]);
    const reader = (await ws.key({ environment: "staging", scopes: ["read"] })).key;
    const first = await call("/v1/document-indexes/faq/documents?limit=2", { key: reader });
    expect(first.status).toBe(200);
    expect(first.body.data).toEqual([
      expect.objectContaining({ id: ids[0], title: "Refunds", text: "Refunds take 14 days.", metadata: { t: "Refunds" }, chunks: 1, external_id: null }),
      expect.objectContaining({ id: ids[1], title: "Returns" }),
    ]);
    const second = await call(`/v1/document-indexes/faq/documents?limit=2&cursor=${first.body.next_cursor}`, { key: reader });
    expect(second.body).toEqual({ data: [expect.objectContaining({ id: ids[2] })], next_cursor: null });
    const indexId = (await call("/v1/document-indexes/faq", { key: reader })).body.id;
    expect((await call(`/v1/document-indexes/${indexId}/documents?limit=2&cursor=${first.body.next_cursor}`, { key: reader })).body.data[0].id).toBe(ids[2]);

    const production = (await ws.key({ environment: "production", scopes: ["read", "deploy"] })).key;
    expectProblem(await call("/v1/document-indexes/faq/documents", { key: production }), 404, "NOT_FOUND");
    expectProblem(await call(`/v1/document-indexes/${indexId}/documents`, { key: production }), 404, "NOT_FOUND");
    expect(expectProblem(await call("/v1/document-indexes/faq/documents?cursor=garbage", { key: reader }), 400, "VALIDATION_FAILED").errors).toEqual([
      { path: "query.cursor", message: "Invalid cursor" },
    ]);
  });

  it("deleting an index removes its documents, passages and full-text rows in one change with one audit event", async () => {
    const ws = await createWorkspace();
    await indexWith(ws, "staging", "faq", ["Refunds", "Returns"]);
    await indexWith(ws, "staging", "other", ["Refunds elsewhere"]);
    const indexId = (await call("/v1/document-indexes/faq?environment=staging", { key: ws.adminKey })).body.id;
    const deployer = (await ws.key({ environment: "staging", scopes: ["deploy", "execute"] })).key;
    const reader = (await ws.key({ environment: "staging", scopes: ["read"] })).key;
    const production = (await ws.key({ environment: "production", scopes: ["deploy"] })).key;

    const before = await storageSnapshot();
    expectProblem(await call("/v1/document-indexes/faq", { method: "DELETE", key: reader }), 403, "INSUFFICIENT_SCOPE");
    expectProblem(await call("/v1/document-indexes/faq", { method: "DELETE", key: production }), 404, "NOT_FOUND");
    expect(await storageSnapshot()).toEqual(before);

    const audits = await count("SELECT COUNT(*) AS n FROM audit_events WHERE workspace_id = ?", ws.id);
    const deleted = await call("/v1/document-indexes/faq", { method: "DELETE", key: deployer });
    expect(deleted.status).toBe(200);
    expect(deleted.body).toMatchObject({ id: indexId, name: "faq", environment: "staging", document_count: 2 });
    expect(await count("SELECT COUNT(*) AS n FROM document_indexes WHERE id = ?", indexId)).toBe(0);
    expect(await count("SELECT COUNT(*) AS n FROM documents WHERE index_id = ?", indexId)).toBe(0);
    expect(await count("SELECT COUNT(*) AS n FROM document_chunks WHERE index_id = ?", indexId)).toBe(0);
    expect(await count("SELECT COUNT(*) AS n FROM document_chunks_fts WHERE index_id = ?", indexId)).toBe(0);
    expect(await count("SELECT COUNT(*) AS n FROM audit_events WHERE workspace_id = ?", ws.id)).toBe(audits! + 1);
    const event = await env.DB.prepare("SELECT action, target_id FROM audit_events WHERE workspace_id = ? ORDER BY rowid DESC LIMIT 1").bind(ws.id).first();
    expect(event).toEqual({ action: "document_index.deleted", target_id: indexId });

    expectProblem(await call("/v1/search", { key: deployer, body: { index_name: "faq", query: "refunds" } }), 404, "NOT_FOUND");
    expect((await call("/v1/search", { key: deployer, body: { index_name: "other", query: "refunds" } })).body.results).toHaveLength(1);
    expectProblem(await call("/v1/document-indexes/faq", { method: "DELETE", key: deployer }), 404, "NOT_FOUND");
    // The name is free again.
    expect((await call("/v1/document-indexes", { key: deployer, body: { name: "faq" } })).status).toBe(201);
  });
});
