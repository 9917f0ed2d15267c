import { expect, it } from "vitest";
import { call, createWorkspace, expectProblem, storageSnapshot } from "../harness";
import { promptSpec } from "../lifecycle/fixtures";

it("runs the draft or a named scenario through the runtime without deploying anything", async () => {
  const ws = await createWorkspace();
  const created = await call("/v1/sandboxes", {
    key: ws.adminKey,
    body: { name: "draft", kind: "prompt", spec: promptSpec("Q: {{ question }}"), scenarios: [{ name: "pricing", inputs: { question: "Price?" }, expected: "Q: Price?" }] },
  });
  const key = (await ws.key({ environment: "development", scopes: ["execute"] })).key;
  const before = await storageSnapshot();

  const scenario = await call(`/v1/sandboxes/${created.body.id}/run`, { key, body: { scenario: "pricing" } });
  expect(scenario.status).toBe(200);
  expect(scenario.body).toMatchObject({
    state: "FULFILLED",
    scenario: "pricing",
    environment: "development",
    outputs: [{ type: "STRING", value: "Q: Price?" }],
    messages: [
      { role: "system", content: "You answer questions about Stagecraft." },
      { role: "user", content: "Q: Price?" },
    ],
    expected: "Q: Price?",
    matches_expected: true,
  });
  const adhoc = await call(`/v1/sandboxes/${created.body.id}/run`, { key, body: { inputs: { question: "Other", product: "X" } } });
  expect(adhoc.body.outputs[0].value).toBe("Q: Other");
  expect(adhoc.body.messages[0].content).toBe("You answer questions about X.");
  expect(await storageSnapshot()).toEqual(before);

  expectProblem(await call(`/v1/sandboxes/${created.body.id}/run`, { key, body: { scenario: "nope" } }), 404);
  expectProblem(await call(`/v1/sandboxes/${created.body.id}/run`, { key, body: { inputs: {} } }), 400);
  expectProblem(await call(`/v1/sandboxes/${created.body.id}/run`, { key: (await ws.key({ environment: "development", scopes: ["read"] })).key, body: {} }), 403);
});

it("object-form inputs that do not fit are named by their key, and nothing is stored", async () => {
  const ws = await createWorkspace();
  const spec = { ...promptSpec("{{ question }} in {{ max_words }} words"), input_variables: [...promptSpec().input_variables, { key: "max_words", type: "NUMBER" }] };
  const created = await call("/v1/sandboxes", { key: ws.adminKey, body: { name: "draft", kind: "prompt", spec } });
  expect(created.status).toBe(201);
  const before = await storageSnapshot();
  const res = await call(`/v1/sandboxes/${created.body.id}/run?environment=development`, {
    key: ws.adminKey,
    body: { inputs: { question: "Why?", max_words: "ten", colour: "red" } },
  });
  expect(expectProblem(res, 400, "VALIDATION_FAILED").errors).toEqual([
    { path: "body.inputs.max_words", message: '"max_words" must be a number (a NUMBER or JSON input)' },
    { path: "body.inputs.colour", message: 'Unknown input variable "colour"' },
  ]);
  expect(await storageSnapshot()).toEqual(before);
});
