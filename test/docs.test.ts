/// <reference types="vite/client" />
import { describe, expect, it } from "vitest";
import apiGuide from "../docs/api.md?raw";
import operations from "../docs/operations.md?raw";
import vellumGuide from "../docs/vellum.md?raw";
import readme from "../README.md?raw";
import startScript from "../scripts/start.mjs?raw";
import { call } from "./harness";

describe("API description", () => {
  it("/openapi.json describes every route with its schemas and problem responses", async () => {
    const res = await call("/openapi.json");
    expect(res.status).toBe(200);
    expect(res.body.openapi).toBe("3.1.0");
    const paths = Object.keys(res.body.paths);
    expect(paths).toEqual(
      expect.arrayContaining([
        "/v1/workspaces",
        "/v1/environments",
        "/v1/environments/{name}",
        "/v1/api-keys",
        "/v1/api-keys/{id}",
        "/v1/api-keys/{id}/rotate",
        "/v1/audit-events",
        "/v1/audit-events/verify",
        "/v1/sandboxes",
        "/v1/sandboxes/{id}",
        "/v1/sandboxes/{id}/deploy",
        "/v1/deployments",
        "/v1/deployments/{id}",
        "/v1/deployments/{id}/releases",
        "/v1/deployments/{id}/revert",
        "/v1/deployments/{id}/release-tags",
        "/v1/deployments/{id}/release-tags/{name}",
        "/v1/deployments/{id}/releases/{release_id_or_release_tag}",
        "/v1/workflow-deployments/{id}/releases/{release_id_or_release_tag}",
        "/v1/releases/{id}",
        "/v1/releases/{id}/compare",
        "/v1/releases/{id}/promote",
        "/v1/promotion-requests",
        "/v1/promotion-requests/{id}",
        "/v1/execute-prompt",
        "/v1/execute-prompt-stream",
        "/v1/execute-workflow",
        "/v1/execute-workflow-stream",
        "/v1/executions",
        "/v1/metrics",
        "/v1/submit-completion-actuals",
        "/v1/search",
        "/v1/document-indexes",
        "/v1/document-indexes/{id}/documents",
        "/v1/sandboxes/{id}/run",
        "/v1/environments/{name}/secrets/{key}",
        "/v1/test-suites",
        "/v1/test-suites/{id}",
        "/v1/test-suites/{id}/runs",
        "/v1/test-suite-runs/{id}",
      ]),
    );
    const createKey = res.body.paths["/v1/api-keys"].post;
    expect(createKey.requestBody.content["application/json"].schema.$ref).toBe("#/components/schemas/CreateApiKey");
    expect(createKey.responses["403"].content["application/problem+json"].schema.$ref).toBe("#/components/schemas/Problem");
    expect(res.body.components.schemas.CreateApiKey.additionalProperties).toBe(false);
    expect(res.body.components.securitySchemes.apiKeyHeader).toMatchObject({ type: "apiKey", name: "X-API-KEY" });
  });

  it("/openapi.json names the prompt and workflow spec schemas the API validates with, and refers to them", async () => {
    const { body: doc } = await call("/openapi.json");
    const schemas = doc.components.schemas;
    const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

    const sandboxSpec = schemas.CreateSandbox.properties.spec;
    expect(sandboxSpec.oneOf).toEqual([ref("PromptSpec"), ref("WorkflowSpec")]);
    expect(schemas.UpdateSandbox.properties.spec.oneOf).toEqual([ref("PromptSpec"), ref("WorkflowSpec")]);
    expect(schemas.Sandbox.properties.spec.oneOf).toEqual([ref("PromptSpec"), ref("WorkflowSpec")]);
    expect(schemas.Release.properties.spec.oneOf).toEqual([ref("PromptSpec"), ref("WorkflowSpec")]);

    expect(schemas.PromptSpec).toMatchObject({
      required: ["model", "blocks"],
      additionalProperties: false,
      properties: { input_variables: { type: "array", items: ref("InputVariable"), default: [] }, model: ref("ModelSpec"), blocks: { items: ref("MessageBlock"), minItems: 1 } },
    });
    expect(schemas.InputVariable.required).toEqual(["key", "type"]);
    expect(schemas.InputVariable.properties.type.enum).toEqual(["STRING", "NUMBER", "JSON", "CHAT_HISTORY"]);
    expect(schemas.InputVariable.properties.required.description).toContain("Defaults to true unless a default is given");
    expect(schemas.InputVariable.properties).toHaveProperty("default");
    expect(schemas.MessageBlock.anyOf ?? schemas.MessageBlock.oneOf).toEqual([ref("TemplateBlock"), ref("ChatHistoryBlock")]);
    expect(schemas.ChatHistoryBlock).toMatchObject({ required: ["chat_history"], properties: { chat_history: { type: "string" } } });
    expect(schemas.ModelSpec.properties.provider.enum).toEqual(["echo", "openai", "anthropic", "workers-ai"]);

    expect(schemas.WorkflowSpec).toMatchObject({
      required: ["nodes"],
      properties: { nodes: { items: ref("WorkflowNode") }, edges: { items: ref("WorkflowEdge") } },
    });
    expect(schemas.WorkflowEdge).toMatchObject({ required: ["from", "to"] });
    const nodeTypes = ["prompt", "template", "conditional", "search", "api", "output"];
    expect(schemas.WorkflowNode.discriminator).toEqual({
      propertyName: "type",
      mapping: Object.fromEntries(nodeTypes.map((type) => [type, `#/components/schemas/${type === "api" ? "Api" : type[0]!.toUpperCase() + type.slice(1)}Node`])),
    });
    expect(schemas.ApiNode).toMatchObject({
      required: ["id", "type", "url"],
      properties: {
        type: { enum: ["api"] },
        method: { enum: ["GET", "POST", "PUT", "PATCH", "DELETE"], default: "GET" },
        url: { type: "string" },
        headers: { type: "object" },
        body: {},
        timeout_ms: { type: "integer", maximum: 60000, default: 10000 },
        max_response_bytes: { default: 1000000 },
      },
    });
    expect(Object.keys(schemas.PromptNode.properties)).toEqual(["id", "type", "prompt", "deployment", "release_tag", "inputs"]);
    expect(schemas.PromptNode.properties.prompt).toEqual(ref("InlinePrompt"));
    expect(schemas.ConditionalNode.properties.cases.items).toEqual(ref("ConditionalCase"));

    // Test suites: the case and assertion shapes are components too.
    expect(schemas.CreateTestSuite.properties.cases.items).toEqual(ref("TestCaseInput"));
    expect(schemas.TestCaseInput.properties.assertions.items).toEqual(ref("Assertion"));
  });

  it("the spec schemas are plain zod, importable without Hono or the Workers runtime (a CLI runs them in Node)", () => {
    const sources = import.meta.glob<string>("../src/specs/*.ts", { query: "?raw", import: "default", eager: true });
    expect(Object.keys(sources)).toContain("../src/specs/workflow-spec.ts");
    for (const [file, source] of Object.entries(sources)) {
      expect({ file, imports: [...source.matchAll(/from "([^"]+)"/g)].map((m) => m[1]).filter((from) => /hono|cloudflare:/.test(from!)) }).toEqual({ file, imports: [] });
      expect({ file, openapi: source.includes(".openapi(") }).toEqual({ file, openapi: false });
    }
  });

  it("/openapi.json has no $ref that names a missing component", async () => {
    const { body: doc } = await call("/openapi.json");
    const refs = new Set<string>();
    const walk = (value: unknown): void => {
      if (Array.isArray(value)) value.forEach(walk);
      else if (value && typeof value === "object") {
        for (const [key, inner] of Object.entries(value)) {
          if (key === "$ref") refs.add(inner as string);
          else walk(inner);
        }
      }
    };
    walk(doc);
    expect(refs.size).toBeGreaterThan(50);
    const unresolved = [...refs].filter((ref) => {
      const [hash, components, kind, name] = ref.split("/");
      return hash !== "#" || components !== "components" || !doc.components[kind!]?.[name!];
    });
    expect(unresolved).toEqual([]);
  });

  it("/docs lists every operation with its full path, auth, described path parameters and rendered schemas", async () => {
    const res = await call("/docs");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/html");
    const page: string = res.body;
    const toText = (markup: string) =>
      markup
        .replace(/<[^>]+>/g, " ")
        .replace(/&#39;/g, "'")
        .replace(/&quot;/g, '"')
        .replace(/\s+/g, " ");
    const text = toText(page.slice(page.indexOf("<main>")));
    /** The text of one operation's section, by its anchor ("post-/v1/sandboxes"). */
    const operation = (anchor: string) => {
      const start = page.indexOf(`<section class="op" id="${anchor}">`);
      expect(start).toBeGreaterThan(0);
      return toText(page.slice(start, page.indexOf("</section>", start)));
    };

    expect(page).toContain('<code class="path">/v1/api-keys/{id}/rotate</code>');
    expect(text).toContain("Rotate an API key");
    // Long paths are printed whole, in the menu and in their section.
    const longPath = "/v1/workflow-deployments/{id}/releases/{release_id_or_release_tag}";
    expect(page.slice(0, page.indexOf("<main>"))).toContain(`<span class="path">${longPath}</span>`);
    expect(page).toContain(`<code class="path">${longPath}</code>`);

    // The sandbox create body is listed field by field, not as a bare reference, and links its spec schemas.
    const createSandbox = operation("post-/v1/sandboxes");
    expect(createSandbox).toMatch(/Request body .*CreateSandbox .*name required string .*kind required "prompt" \| "workflow" .*spec required PromptSpec \| WorkflowSpec/);
    expect(createSandbox).toMatch(/201 The new sandbox .*Sandbox .*deployment_id required string/);
    expect(page).toContain('<a href="#schema-PromptSpec">PromptSpec</a>');
    // Named schemas have sections of their own, with their fields.
    expect(text).toMatch(/ApiNode Calls an HTTP API\..* method "GET" \| "POST" \| "PUT" \| "PATCH" \| "DELETE" default "GET" url required string/);
    expect(text).toMatch(/InputVariable A typed input .* type required "STRING" \| "NUMBER" \| "JSON" \| "CHAT_HISTORY"/);

    // Path parameters say what they are.
    expect(operation("get-/v1/sandboxes/{id}")).toContain("id required path string The sandbox's id ( sbx_… )");
    expect(operation(`get-${longPath}`)).toContain("release_id_or_release_tag required path string A release's id ( rel_… ), or the name of a release tag of this deployment");

    // The bootstrap route takes the bootstrap token, and its 401 says so.
    const createWorkspace = operation("post-/v1/workspaces");
    expect(createWorkspace).toContain("Authentication: The server's BOOTSTRAP_TOKEN as Authorization: Bearer …");
    expect(createWorkspace).toContain("401 The bootstrap token is missing or wrong");
    expect(createWorkspace).not.toContain("revoked API key");

    // Works offline and under a strict CSP: no script, no inline style, nothing from elsewhere.
    expect(page).not.toContain("<script");
    expect(page).not.toContain("<style");
    expect(page).not.toMatch(/style="|https?:\/\/(?!api\.openai\.com)/);
    expect(res.headers.get("content-security-policy")).toBe("default-src 'none'; style-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'");
    expect(page).toContain('<link rel="stylesheet" href="/docs/style.css">');
    const css = await call("/docs/style.css");
    expect(css.status).toBe(200);
    expect(css.headers.get("content-type")).toContain("text/css");
    expect(css.body).toContain("overflow-wrap:anywhere");
  });
});

/** The prose of a markdown file with its line breaks undone, as a reader sees it. */
function prose(markdown: string): string {
  return markdown.replace(/\s+/g, " ");
}

describe("the documentation", () => {
  it("says If-Match on a tag move names the release the tag points at, not the live release", async () => {
    expect(prose(apiGuide)).toContain("for a tag move the release the tag points at now (not the live release");
    expect(prose(vellumGuide)).toContain("a tag move accepts `If-Match` (the id of the release the tag points at now, not the live release)");
    const { body: doc } = await call("/openapi.json");
    const ifMatch = (path: string, method: string) => doc.paths[path][method].parameters.find((p: { name: string }) => p.name === "if-match").description;
    expect(ifMatch("/v1/deployments/{id}/release-tags/{name}", "patch")).toContain("the release the tag points at now (not the live release)");
    expect(ifMatch("/v1/releases/{id}/promote", "post")).toContain("the release the environment serves now");
  });

  it("says PORT changes the port of npm start, which honours it", () => {
    expect(prose(readme)).toContain("(set `PORT` for another port: `PORT=8790 npm start`)");
    expect(prose(operations)).toContain("`PORT=8790 npm start` serves on port 8790 instead");
    expect(startScript).toContain("const PORT = Number(process.env.PORT ?? 8787);");
    expect(startScript).toContain('"dev", "--port", String(PORT)');
  });

  it("says large execution inputs and outputs are stored summarized", () => {
    expect(prose(apiGuide)).toContain(
      'an execution\'s `inputs` or `outputs` whose JSON is longer than 24,000 characters (its `metadata`: 8,000) is recorded as `{"truncated": true, "preview": "<the start of that JSON>"}`',
    );
  });

  it("says the vellum-ai client sends NUMBER inputs as JSON", () => {
    expect(prose(vellumGuide)).toContain("it sends a number for a NUMBER input variable as a JSON input");
  });

  it("npm start tells wrangler not to fetch Request.cf data, which offline prints ENOTFOUND stack traces", () => {
    expect(startScript).toContain('CLOUDFLARE_CF_FETCH_ENABLED: "false"');
  });
});
