import { env } from "cloudflare:workers";
import { afterAll, expect } from "vitest";
import { verifyAuditChain } from "../src/audit/audit-log";
import { openDatabase } from "../src/db/client";
import { TAMPERED_WORKSPACE_NAME } from "./harness";

// After every test file: each workspace it created still has an intact audit chain.
afterAll(async () => {
  const db = openDatabase(env.DB);
  const { results } = await env.DB.prepare("SELECT id FROM workspaces WHERE name <> ?").bind(TAMPERED_WORKSPACE_NAME).all<{ id: string }>();
  for (const { id } of results) {
    expect(await verifyAuditChain({ db }, id), `audit chain of ${id}`).toMatchObject({ valid: true });
  }
});
