import { env } from "cloudflare:workers";
import { expect, it } from "vitest";
import { call, createWorkspace } from "../harness";

it("using a key records last_used_at through the queue", async () => {
  const ws = await createWorkspace();
  const k = await ws.key({ environment: "staging", scopes: ["read"] });
  expect((await call(`/v1/api-keys/${k.id}`, { key: ws.adminKey })).body.last_used_at).toBeNull();
  const before = Date.now();
  await call("/v1/environments/staging", { key: k.key });

  let lastUsed: string | null = null;
  for (let i = 0; i < 50 && lastUsed === null; i++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    lastUsed = (await env.DB.prepare("SELECT last_used_at FROM api_keys WHERE id = ?").bind(k.id).first<{ last_used_at: string | null }>())!.last_used_at;
  }
  expect(lastUsed).not.toBeNull();
  expect(Date.parse(lastUsed!)).toBeGreaterThanOrEqual(before - 1000);
  expect((await call(`/v1/api-keys/${k.id}`, { key: ws.adminKey })).body.last_used_at).toBe(lastUsed);
});
