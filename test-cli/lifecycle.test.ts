import { readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadProject } from "../cli/project-files";
import { ANSWER, BROKEN, FAQ, FAQ_SUITE, GREETING, GREETING_SUITE } from "./fixtures";
import { api, createWorkspace, type LocalServer, makeRepository, runCli, startServer } from "./harness";

let server: LocalServer;
const repositories: string[] = [];

beforeAll(async () => {
  server = await startServer();
});

afterAll(async () => {
  await server?.stop();
  for (const dir of repositories) rmSync(dir, { recursive: true, force: true });
});

function repository(files: Record<string, string>) {
  const dir = makeRepository(server.url, files);
  repositories.push(dir);
  return dir;
}

const FILES = {
  "greeting.prompt.yaml": GREETING,
  "faq.prompt.yaml": FAQ,
  "answer.workflow.yaml": ANSWER,
  "greeting.suite.yaml": GREETING_SUITE,
  "faq.suite.yaml": FAQ_SUITE,
};

describe("stagecraft against a real server", () => {
  it("validate names the file, line and field of an invalid spec, offline", async () => {
    const dir = repository({ ...FILES, "broken.prompt.yaml": BROKEN });
    const run = await runCli(dir, ["validate"]);
    expect(run.code).toBe(2);
    expect(run.stdout).toContain('stagecraft/broken.prompt.yaml:10: spec.blocks[0].template: Unknown variable "whom"');
    const json = (await runCli(dir, ["validate", "--json"])).json();
    expect(json.ok).toBe(false);
    expect(json.issues).toEqual([expect.objectContaining({ file: "stagecraft/broken.prompt.yaml", line: 10, field: "spec.blocks[0].template" })]);
    rmSync(path.join(dir, "stagecraft", "broken.prompt.yaml"));
    const valid = await runCli(dir, ["validate", "--json"]);
    expect(valid.code).toBe(0);
    expect(
      valid
        .json()
        .prompts.map((p: { name: string }) => p.name)
        .sort(),
    ).toEqual(["answer", "faq", "greeting"]);
  });

  it("validate refuses a model on a private address unless EGRESS_ALLOW_PRIVATE_HOSTS names it, as a development server does", async () => {
    const local = GREETING.replace("name: greeting", "name: local").replace(
      "    provider: echo\n    name: echo\n",
      "    provider: openai\n    name: local-model\n    base_url: http://127.0.0.1:11434/v1\n",
    );
    const dir = repository({ "local.prompt.yaml": local });
    const refused = await runCli(dir, ["validate", "--json"]);
    expect(refused.code).toBe(2);
    expect(refused.json().issues).toEqual([expect.objectContaining({ file: "stagecraft/local.prompt.yaml", field: expect.stringContaining("base_url") })]);
    const allowed = await runCli(dir, ["validate", "--json"], { EGRESS_ALLOW_PRIVATE_HOSTS: "127.0.0.1:11434" });
    expect(allowed.code, allowed.stdout).toBe(0);
  });

  it("pushes, deploys, tests, promotes through a gate, shows drift, reverts and pulls", async () => {
    const key = await createWorkspace(server);
    const dir = repository(FILES);
    const env = { STAGECRAFT_API_KEY: key };
    const cli = (...args: string[]) => runCli(dir, args, env);

    // push: the plan first; a dry run changes nothing; a second push changes nothing either.
    const dry = await cli("push", "--dry-run", "--json");
    expect(dry.code).toBe(0);
    expect(dry.json().plan.map((s: { name: string; action: string }) => `${s.name}:${s.action}`)).toEqual([
      "answer:create",
      "faq:create",
      "greeting:create",
      "faq checks:waiting",
      "greeting smoke:waiting",
    ]);
    expect((await api<{ data: unknown[] }>(server, key, "GET", "/v1/sandboxes")).data).toEqual([]);
    const pushed = await cli("push");
    expect(pushed.code).toBe(0);
    expect(pushed.stdout).toContain("3 change(s)");
    const again = await cli("push", "--json");
    expect(again.json().changes).toBe(0);

    // deploy: one atomic deploy per sandbox to two environments; the suites follow their deployments.
    const deployed = await cli("deploy", "greeting", "faq", "answer", "--to", "development,staging", "--tag", "v1.0.0", "--json");
    expect(deployed.code).toBe(0);
    expect(deployed.json().deployed.flatMap((d: { releases: { environment: string }[] }) => d.releases.map((r) => r.environment))).toEqual([
      "development",
      "staging",
      "development",
      "staging",
      "development",
      "staging",
    ]);
    expect(deployed.json().suites.map((s: { action: string }) => s.action)).toEqual(["create", "create"]);
    expect((await cli("push", "--json")).json().changes).toBe(0);

    const status = await cli("status", "--json");
    expect(status.code).toBe(0);
    const greeting = status.json().deployments.find((d: { name: string }) => d.name === "greeting");
    expect(greeting.environments.map((c: { matches: boolean | null }) => c.matches)).toEqual([true, true, null]);
    expect((await cli("status")).stdout).toMatch(/greeting\s+in sync\s+v1 = LATEST,v1.0.0\s+v1 = LATEST,v1.0.0\s+-/);

    // promote into a gated production: refused (3) until the suite passes on that very release.
    await api(server, key, "PATCH", "/v1/environments/production", { test_gate: { min_pass_rate: 1, untested: "refuse" } });
    const refused = await cli("promote", "greeting", "--from", "staging", "--to", "production");
    expect(refused.code).toBe(3);
    expect(refused.stderr).toContain("TEST_GATE_FAILED");
    const tested = await cli("test", "greeting smoke", "--env", "staging");
    expect(tested.code).toBe(0);
    expect(tested.stdout).toContain("1/1 passed");
    const failing = await cli("test", "faq checks", "--env", "staging", "--json");
    expect(failing.code).toBe(6);
    expect(failing.json().run.pass_rate).toBe(0);
    const promoted = await cli("promote", "greeting", "--from", "staging", "--to", "production", "--json");
    expect(promoted.code).toBe(0);
    expect(promoted.json().released).toEqual([expect.objectContaining({ environment: "production", version: 1 })]);

    // an edited file is drift (5) until it is pushed and deployed; diff shows what changed.
    const file = path.join(dir, "stagecraft", "greeting.prompt.yaml");
    writeFileSync(file, readFileSync(file, "utf8").replace("Hello, {{ who }}!", "Hello, {{ who }}! Welcome."));
    expect((await cli("status")).code).toBe(5);
    const diff = await cli("diff", "--exit-code");
    expect(diff.code).toBe(5);
    expect(diff.stdout).toContain("--- production/greeting");
    expect(diff.stdout).toContain("-    template: Hello, {{ who }}!");
    expect(diff.stdout).toContain("+    template: Hello, {{ who }}! Welcome.");
    expect((await cli("diff", "greeting", "--env", "production", "--against", "staging", "--exit-code")).code).toBe(0);

    // a second version reaches production; revert brings the first back.
    expect((await cli("push")).code).toBe(0);
    expect((await cli("deploy", "greeting", "--to", "development,staging")).code).toBe(0);
    expect((await cli("test", "greeting smoke", "--env", "staging")).code).toBe(0);
    expect((await cli("promote", "greeting", "--from", "staging", "--to", "production")).code).toBe(0);
    expect((await cli("diff", "greeting", "--exit-code")).code).toBe(0);
    const reverted = await cli("revert", "greeting", "--env", "production", "--json");
    expect(reverted.code).toBe(0);
    expect(reverted.json().release).toMatchObject({ environment: "production", version: 3, source: { type: "revert" } });
    expect((await cli("diff", "greeting", "--exit-code")).code).toBe(5);

    // pull into an empty folder reproduces what production serves.
    const out = path.join(dir, "pulled");
    const pulled = await cli("pull", "--env", "production", "--out", out, "--json");
    expect(pulled.code).toBe(0);
    const project = await loadProject(dir, out);
    expect(project.issues).toEqual([]);
    const original = await loadProject(dir, path.join(makeRepository(server.url, { "greeting.prompt.yaml": GREETING }), "stagecraft"));
    expect(project.sandboxes.map((s) => s.name)).toEqual(["greeting"]);
    expect(project.sandboxes[0]!.contentHash).toBe(original.sandboxes[0]!.contentHash);
    expect(project.suites.map((s) => s.name)).toEqual(["greeting smoke"]);

    // with approvals required, a promotion waits: exit 4, naming the request.
    await api(server, key, "PATCH", "/v1/environments/production", { required_approvals: 1, test_gate: null });
    const pending = await cli("promote", "greeting", "--from", "staging", "--to", "production", "--wait", "--timeout", "1", "--interval", "0.2", "--json");
    expect(pending.code).toBe(4);
    expect(pending.json().promotion_requests).toEqual([expect.objectContaining({ environment: "production", status: "pending" })]);
  });

  it("creates, rotates and revokes keys", async () => {
    const key = await createWorkspace(server);
    const dir = repository({});
    const cli = (...args: string[]) => runCli(dir, [...args, "--json"], { STAGECRAFT_API_KEY: key });
    const created = await cli("keys", "create", "--name", "ci", "--scopes", "read,deploy,promote");
    expect(created.code).toBe(0);
    expect(created.json()).toMatchObject({ name: "ci", environment: null, scopes: ["read", "deploy", "promote"] });
    expect(created.json().key).toMatch(/^sc_ws_/);
    const rotated = await cli("keys", "rotate", created.json().id, "--grace-period", "0");
    expect(rotated.code).toBe(0);
    expect(rotated.json().previous_key.id).toBe(created.json().id);
    const revoked = await cli("keys", "revoke", rotated.json().id);
    expect(revoked.code).toBe(0);
    expect(revoked.json().revoked_at).not.toBeNull();
    const unknown = await cli("keys", "revoke", "key_unknown");
    expect(unknown.code).toBe(1);
  });

  it("refuses a command line it does not understand with exit code 2", async () => {
    const dir = repository({});
    expect((await runCli(dir, ["deploy", "greeting"])).code).toBe(2);
    expect((await runCli(dir, ["no-such-command"])).code).toBe(2);
    expect((await runCli(dir, ["push"], { STAGECRAFT_API_KEY: "" })).code).toBe(2);
  });
});
