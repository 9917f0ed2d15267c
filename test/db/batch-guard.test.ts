import { env } from "cloudflare:workers";
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { guard, runBatch } from "../../src/db/batch";
import { openDatabase } from "../../src/db/client";
import { isGuardViolation } from "../../src/db/d1-errors";
import { workspaces } from "../../src/db/schema";
import { createWorkspace } from "../harness";

describe("batch guards", () => {
  it("a false guard rolls back every write of its batch", async () => {
    const ws = await createWorkspace();
    const db = openDatabase(env.DB);
    const attempt = runBatch(db, [db.update(workspaces).set({ name: "renamed" }).where(sql`${workspaces.id} = ${ws.id}`), guard(db, ws.id, sql`1 = 0`)]);
    const error = await attempt.catch((e: unknown) => e);
    expect(isGuardViolation(error)).toBe(true);
    const row = await env.DB.prepare("SELECT name FROM workspaces WHERE id = ?").bind(ws.id).first<{ name: string }>();
    expect(row?.name).toBe("Test workspace");
  });

  it("a true guard lets the batch through", async () => {
    const ws = await createWorkspace();
    const db = openDatabase(env.DB);
    await runBatch(db, [guard(db, ws.id, sql`1 = 1`), db.update(workspaces).set({ name: "renamed" }).where(sql`${workspaces.id} = ${ws.id}`)]);
    const row = await env.DB.prepare("SELECT name FROM workspaces WHERE id = ?").bind(ws.id).first<{ name: string }>();
    expect(row?.name).toBe("renamed");
  });
});
