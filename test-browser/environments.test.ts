import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api, createWorkspace, type LocalServer, startServer } from "../test-cli/harness";
import { launchBrowser, screenshot, seriousViolations, signIn } from "./browser";

const PROMPT = {
  input_variables: [{ key: "question", type: "STRING", required: true }],
  model: { provider: "echo", name: "echo", parameters: {} },
  blocks: [{ role: "user", template: "{{ question }}" }],
};
const SECRET_VALUE = "sk-browser-test-secret-0987654321";

let server: LocalServer;
let browser: Browser;
let adminKey: string;
let receiver: Server;
/** What the local webhook receiver got: the `webhook-id` header of each request. */
const received: string[] = [];

beforeAll(async () => {
  receiver = createServer((req, res) => {
    received.push(String(req.headers["webhook-id"] ?? ""));
    req.resume();
    req.on("end", () => res.writeHead(204).end());
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  [server, browser] = await Promise.all([startServer(), launchBrowser()]);
  adminKey = await createWorkspace(server, "Environments test");
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await new Promise((resolve) => receiver?.close(resolve));
});

async function expectAccessible(page: Page) {
  expect(await seriousViolations(page)).toEqual([]);
}

describe("environments in a browser", () => {
  it("changes production's policy, adds a variable and sets a secret whose value never comes back", { timeout: 60_000 }, async () => {
    const page = await signIn(browser, server, adminKey, { bypassCSP: true });
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Environments" }).click();
    await page.waitForURL(`${server.url}/environments`);
    expect(await page.locator("tbody tr").evaluateAll((rows) => rows.map((r) => r.getAttribute("data-environment")))).toEqual(["development", "staging", "production"]);
    await expectAccessible(page);
    await screenshot(page, "environments");

    await page.locator('tr[data-environment="production"]').getByRole("link", { name: "Settings" }).click();
    await page.waitForURL(`${server.url}/environments/production`);
    await page.getByLabel("Required approvals").fill("2");
    await page.getByRole("button", { name: "Save policy" }).click();
    await expect.poll(() => page.getByRole("status").innerText()).toContain("The policy was saved.");
    expect(await page.getByLabel("Required approvals").inputValue()).toBe("2");
    expect((await api<{ required_approvals: number }>(server, adminKey, "GET", "/v1/environments/production")).required_approvals).toBe(2);

    await page.getByLabel("New variable name").fill("support_email");
    await page.getByLabel("New variable value").fill("help@example.com");
    await page.getByRole("button", { name: "Save variables" }).click();
    await expect.poll(() => page.getByRole("status").innerText()).toContain("The variables were saved.");
    expect(await page.getByLabel("Value of support_email").inputValue()).toBe("help@example.com");

    await page.getByLabel("Secret name").fill("OPENAI_API_KEY");
    await page.getByLabel("Secret value").fill(SECRET_VALUE);
    await page.getByRole("button", { name: "Set secret" }).click();
    await expect.poll(() => page.getByRole("status").innerText()).toContain("The secret was stored");
    expect(await page.locator('tr[data-secret="OPENAI_API_KEY"]').count()).toBe(1);
    expect(await page.content()).not.toContain(SECRET_VALUE);
    await page.reload();
    expect(await page.content()).not.toContain(SECRET_VALUE);
    await expectAccessible(page);
    await screenshot(page, "environment");

    const phone = await signIn(browser, server, adminKey, { viewport: { width: 390, height: 844 } });
    await phone.goto(`${server.url}/environments/production`);
    await screenshot(phone, "environment-phone");
    await phone.context().close();
    await page.context().close();
  });

  it("creates a webhook to a local receiver, shows the delivery of a deploy, and redelivers it", { timeout: 90_000 }, async () => {
    const page = await signIn(browser, server, adminKey, { bypassCSP: true });
    await page.goto(`${server.url}/environments/staging`);
    const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`;
    await page.getByLabel("Receiver URL").fill(url);
    await page.getByLabel("release.created").check();
    await page.getByRole("button", { name: "Create webhook" }).click();
    const secret = await page.locator("#webhook-secret").innerText();
    expect(secret).toMatch(/^whsec_/);
    await page.getByRole("link", { name: "Open the webhook and its delivery log" }).click();
    await page.waitForURL(/\/webhooks\/whk_/);
    expect(await page.content()).not.toContain(secret);

    const sandbox = await api<{ id: string }>(server, adminKey, "POST", "/v1/sandboxes", { name: "faq", kind: "prompt", spec: PROMPT });
    await api(server, adminKey, "POST", `/v1/sandboxes/${sandbox.id}/deploy`, { deployment_name: "faq", environments: ["staging"] });
    await expect.poll(() => received.length, { timeout: 30_000 }).toBe(1);
    const delivery = page.locator("tr[data-delivery]");
    await expect
      .poll(
        async () => {
          await page.reload();
          return delivery.getAttribute("data-status");
        },
        { timeout: 30_000 },
      )
      .toBe("succeeded");
    expect(await delivery.locator("code").first().innerText()).toBe("release.created");
    expect(await delivery.locator("td").nth(2).innerText()).toBe("204");
    await expectAccessible(page);
    await screenshot(page, "webhook");

    await delivery.getByRole("button", { name: /Redeliver/ }).click();
    await expect.poll(() => page.getByRole("status").innerText()).toContain("queued to be sent again");
    await expect.poll(() => received.length, { timeout: 30_000 }).toBe(2);
    expect(received[1]).toBe(received[0]);
    await expect
      .poll(
        async () => {
          await page.reload();
          return delivery.locator("td").nth(1).innerText();
        },
        { timeout: 30_000 },
      )
      .toBe("2");
    await page.context().close();
  });
});
