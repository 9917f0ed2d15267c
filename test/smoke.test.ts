import { exports } from "cloudflare:workers";
import { expect, it } from "vitest";

it("bootstraps", async () => {
  const res = await exports.default.fetch("http://x/v1/workspaces", {
    method: "POST",
    headers: { authorization: "Bearer test-bootstrap-token-0123456789", "content-type": "application/json" },
    body: JSON.stringify({ name: "Acme" }),
  });
  const body = await res.json();
  console.log(res.status, JSON.stringify(body, null, 1));
  expect(res.status).toBe(201);
});
