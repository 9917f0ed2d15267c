import { VellumClient } from "vellum-ai";
import { afterEach, describe, expect, it, vi } from "vitest";
import { completion, mockNetwork, upstreamDeployment } from "../execute/upstream";
import { createWorkspace } from "../harness";
import { createSandbox, deploy, promptSpec, saveSandbox } from "../lifecycle/fixtures";
import { SERVER } from "./sdk-client";

afterEach(() => {
  vi.restoreAllMocks();
});

function client(apiKey: string) {
  return new VellumClient({ apiKey, environment: { default: SERVER, predict: SERVER, documents: SERVER } });
}

describe("the vellum-ai SDK executes prompts against Stagecraft", () => {
  it("executes, streams and pins a release tag on the echo model", async () => {
    mockNetwork();
    const ws = await createWorkspace();
    const sandbox = await createSandbox(ws, "faq", promptSpec("v1 {{ question }}"));
    await deploy(ws, sandbox.id, ["staging"], { release_tags: ["v1.0.0"] });
    await saveSandbox(ws, sandbox.id, promptSpec("v2 {{ question }}"));
    await deploy(ws, sandbox.id, ["staging"]);
    const vellum = client((await ws.key({ environment: "staging", scopes: ["execute"] })).key);
    const inputs = [{ name: "question", type: "STRING" as const, value: "héllo wörld" }];

    const latest = await vellum.executePrompt({ promptDeploymentName: "faq", inputs });
    expect(latest.state).toBe("FULFILLED");
    if (latest.state !== "FULFILLED") return;
    expect(latest.outputs).toEqual([{ type: "STRING", value: "v2 héllo wörld" }]);
    expect(latest.meta?.deploymentReleaseTag).toBe("LATEST");

    const pinned = await vellum.executePrompt({ promptDeploymentName: "faq", releaseTag: "v1.0.0", inputs, externalId: "sdk-1" });
    expect(pinned.state === "FULFILLED" && pinned.outputs[0]?.value).toBe("v1 héllo wörld");

    const events = [];
    for await (const event of await vellum.executePromptStream({ promptDeploymentName: "faq", inputs })) events.push(event);
    expect(events.map((e) => e.state)).toEqual(["INITIATED", "STREAMING", "STREAMING", "STREAMING", "FULFILLED"]);
    const done = events.at(-1)!;
    expect(done.state === "FULFILLED" && done.outputs[0]?.value).toBe("v2 héllo wörld");
    const streamed = events.flatMap((e) => (e.state === "STREAMING" && e.output.type === "STRING" ? [e.output.value] : [])).join("");
    expect(streamed).toBe("v2 héllo wörld");

    const feedback = await vellum.submitCompletionActuals({ deploymentName: "faq", actuals: [{ id: latest.executionId, quality: 0.9 }] }).catch((e: unknown) => e);
    // The record may still be on its way through the queue; either way the SDK got a well-formed answer.
    expect(feedback === undefined || (feedback as { statusCode?: number }).statusCode === 404).toBe(true);
  });

  it("gets outputs from a mocked OpenAI-compatible upstream", async () => {
    const ws = await createWorkspace();
    await upstreamDeployment(ws);
    mockNetwork(() => completion("Paris."));
    const vellum = client((await ws.key({ environment: "staging", scopes: ["execute"] })).key);
    const res = await vellum.executePrompt({ promptDeploymentName: "upstream-faq", inputs: [{ name: "question", type: "STRING", value: "Capital?" }] });
    expect(res.state).toBe("FULFILLED");
    expect(res.state === "FULFILLED" && res.outputs[0]).toEqual({ type: "STRING", value: "Paris." });
    expect(res.meta?.usage).toEqual({ inputTokenCount: 11, outputTokenCount: 7 });
  });

  it("surfaces an unknown deployment as the SDK's NotFoundError", async () => {
    mockNetwork();
    const ws = await createWorkspace();
    const vellum = client((await ws.key({ environment: "staging", scopes: ["execute"] })).key);
    await expect(vellum.executePrompt({ promptDeploymentName: "nope", inputs: [] })).rejects.toMatchObject({ statusCode: 404 });
  });
});
