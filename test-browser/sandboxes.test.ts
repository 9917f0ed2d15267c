import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api, createWorkspace, type LocalServer, startServer } from "../test-cli/harness";
import { launchBrowser, screenshot, seriousViolations, signIn as signInWith } from "./browser";

const PROMPT = {
  input_variables: [{ key: "question", type: "STRING", required: true }],
  model: { provider: "echo", name: "echo", parameters: { temperature: 0 } },
  blocks: [
    { role: "system", template: "You answer questions about Stagecraft." },
    { role: "user", template: "{{ question }}" },
  ],
};
const SCENARIOS = [{ name: "rollback", inputs: { question: "How do I roll back?" } }];

let server: LocalServer;
let browser: Browser;
let adminKey: string;
let promptId: string;
let workflowId: string;

beforeAll(async () => {
  [server, browser] = await Promise.all([startServer(), launchBrowser()]);
  adminKey = await createWorkspace(server, "Sandboxes test");
  promptId = (await api<{ id: string }>(server, adminKey, "POST", "/v1/sandboxes", { name: "faq", kind: "prompt", spec: PROMPT, scenarios: SCENARIOS })).id;
  const workflow = await api<{ id: string }>(server, adminKey, "POST", "/v1/sandboxes", {
    name: "triage",
    kind: "workflow",
    spec: {
      input_variables: [{ key: "question", type: "STRING" }],
      nodes: [
        { id: "draft", type: "template", template: "Q: {{ inputs.question }}" },
        { id: "answer", type: "prompt", prompt: { model: { provider: "echo", name: "echo" }, blocks: [{ role: "user", template: "{{ nodes.draft.text }}" }] } },
        { id: "final", type: "output", name: "answer", value: "{{ nodes.answer.text }}" },
      ],
      edges: [
        { from: "draft", to: "answer" },
        { from: "answer", to: "final" },
      ],
    },
    scenarios: SCENARIOS,
  });
  workflowId = workflow.id;
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

function signIn(options: { bypassCSP?: boolean; viewport?: { width: number; height: number } } = {}): Promise<Page> {
  return signInWith(browser, server, adminKey, options);
}

/** Console messages that report a Content-Security-Policy violation (or any error) on the page. */
function collectConsoleErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error" || /Content.Security.Policy/i.test(message.text())) errors.push(message.text());
  });
  page.on("pageerror", (error) => errors.push(error.message));
  return errors;
}

/** Replaces the text of the CodeMirror editor with this accessible name by typing, as a user would. */
async function typeInto(page: Page, name: string, text: string) {
  const editor = page.getByRole("textbox", { name, exact: true });
  await editor.click();
  await page.keyboard.press("ControlOrMeta+A");
  await page.keyboard.press("Delete");
  await page.keyboard.type(text);
}

describe("sandboxes in a browser", () => {
  it("lists sandboxes and creates a prompt from the New sandbox form", async () => {
    const page = await signIn({ bypassCSP: true });
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Sandboxes" }).click();
    await page.waitForURL(`${server.url}/sandboxes`);
    expect(await page.locator(`tr[data-sandbox="${promptId}"]`).innerText()).toContain("faq");
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, "sandboxes");

    await page.getByLabel("Name", { exact: true }).fill("support-bot");
    await page.getByLabel("Kind").selectOption("prompt");
    await page.getByRole("button", { name: "Create sandbox" }).click();
    await page.waitForURL(/\/sandboxes\/sbx_[^?]+\?done=created$/);
    expect(await page.getByRole("status").innerText()).toContain("created at revision 1");
    expect(await page.getByRole("heading", { level: 1 }).innerText()).toBe("support-bot");
    await page.context().close();
  });

  it("edits a prompt by typing into the code editor, saves it and runs a scenario, under the strict CSP", async () => {
    const page = await signIn();
    const errors = collectConsoleErrors(page);
    const response = await page.goto(`${server.url}/sandboxes/${promptId}`);
    const csp = response?.headers()["content-security-policy"] ?? "";
    expect(csp).toMatch(/style-src 'self' 'nonce-[^']+';/);
    expect(csp).not.toContain("unsafe-inline");

    // Each template is a CodeMirror editor whose injected styles applied (its base theme makes it a flex box), its textarea hidden.
    const editor = page.locator('.cm-editor[data-editor-for="block-1-template"]');
    await expect.poll(() => editor.count()).toBe(1);
    expect(await editor.evaluate((el) => getComputedStyle(el).display)).toBe("flex");
    expect(await page.locator("#block-1-template").isHidden()).toBe(true);
    expect(await page.locator("style[nonce]").count()).toBeGreaterThan(0);

    // The label still leads to the editor.
    await page.locator('label[for="block-1-template"]').click();
    expect(await page.evaluate(() => document.activeElement?.getAttribute("aria-label"))).toBe("Message 2 template");

    await typeInto(page, "Message 2 template", "Please answer: {{ question }}");
    await page.getByRole("button", { name: /^Save revision 2$/ }).click();
    await page.waitForURL(`${server.url}/sandboxes/${promptId}?done=saved`);
    expect(await page.getByRole("status").innerText()).toBe("Saved as a new revision.");
    const saved = await api<{ revision: number; spec: typeof PROMPT }>(server, adminKey, "GET", `/v1/sandboxes/${promptId}`);
    expect(saved.revision).toBe(2);
    expect(saved.spec.blocks[1]).toEqual({ role: "user", template: "Please answer: {{ question }}" });

    await page.getByLabel("Environment").selectOption("development");
    await page.getByLabel("Scenario", { exact: true }).selectOption("rollback");
    await page.getByRole("button", { name: "Run revision 2" }).click();
    await expect.poll(() => page.locator("#run-output").innerText()).toBe("Please answer: How do I roll back?");
    expect(await page.locator(".run-result").innerText()).toMatch(/Latency\s*\d+ ms/);

    expect(errors).toEqual([]);
    await page.context().close();
  });

  it("deploys to development and staging at once", async () => {
    const page = await signIn();
    await page.goto(`${server.url}/sandboxes/${promptId}`);
    expect(await page.getByLabel("development").isChecked()).toBe(true);
    expect(await page.getByLabel("staging").isChecked()).toBe(true);
    await page.getByLabel("Deployment name").fill("faq");
    await page.getByLabel("Release tags").fill("v1.0.0");
    await page.getByRole("button", { name: /^Deploy revision/ }).click();
    await page.waitForURL(/\/deployments\/faq\?released=/);
    for (const environment of ["development", "staging"]) {
      const releases = await api<{ data: { sandbox_revision?: number }[] }>(server, adminKey, "GET", `/v1/deployments/faq/releases?environment=${environment}`);
      expect(releases.data).toHaveLength(1);
    }
    await page.context().close();
  });

  it("passes axe on the prompt editor with a run result and on a workflow editor; fits a phone", async () => {
    const page = await signIn({ bypassCSP: true });
    await page.goto(`${server.url}/sandboxes/${promptId}`);
    await page.getByLabel("Scenario", { exact: true }).selectOption("rollback");
    await page.getByRole("button", { name: /^Run revision/ }).click();
    await page.locator("#run-output").waitFor();
    await page.locator(".cm-editor").first().waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, "sandbox-editor");

    await page.goto(`${server.url}/sandboxes/${workflowId}`);
    await page.getByRole("button", { name: /^Run revision/ }).click();
    await page.locator('tr[data-node="final"]').waitFor();
    expect(await page.locator("#run-output").innerText()).toBe("answer: Q: How do I roll back?");
    await page.locator('.cm-editor[data-editor-for="spec"]').waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    // CodeMirror draws only the lines near the viewport: make the viewport the whole page so the screenshot shows the whole spec.
    await page.setViewportSize({ width: 1280, height: await page.evaluate(() => document.documentElement.scrollHeight) });
    await expect.poll(() => page.locator('.cm-editor[data-editor-for="spec"] .cm-line').last().innerText()).toBe("}");
    await screenshot(page, "sandbox-workflow-editor");
    await page.context().close();

    const phone = await signIn({ bypassCSP: true, viewport: { width: 390, height: 844 } });
    await phone.goto(`${server.url}/sandboxes/${promptId}`);
    await phone.locator(".cm-editor").first().waitFor();
    await expect.poll(() => phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await screenshot(phone, "sandbox-editor-phone");
    await phone.context().close();
  });
});
