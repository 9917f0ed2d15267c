import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createWorkspace, storageSnapshot, type TestWorkspace } from "../harness";
import { createSandbox, deploy, deployedWorkspace, promptSpec, saveSandbox } from "../lifecycle/fixtures";
import { call, csrfOf, FORM, post, signIn } from "./browser-session";

async function history(ws: TestWorkspace, environment: string) {
  const res = await call(`/v1/deployments/faq/releases?environment=${environment}`, { key: ws.adminKey });
  expect(res.status).toBe(200);
  return res.body.data as { id: string; version: number; content_hash: string; source: { type: string; release_id?: string } }[];
}

/** faq deployed to development and staging, then a second revision to development only. */
async function twoRevisions(ws: TestWorkspace) {
  const { sandbox } = await deployedWorkspace(ws);
  await saveSandbox(ws, sandbox.id, promptSpec("Question: {{ question }}\nAnswer briefly."));
  expect((await deploy(ws, sandbox.id, ["development"])).status).toBe(201);
  return { sandbox, development: await history(ws, "development"), staging: await history(ws, "staging") };
}

const releaseCount = async () => (await env.DB.prepare("SELECT COUNT(*) AS n FROM releases").first<{ n: number }>())!.n;

describe("dashboard deployment pages", () => {
  it("links the overview to a deployment page listing each readable environment's history, newest first, with the live one marked", async () => {
    const ws = await createWorkspace();
    const { development, staging } = await twoRevisions(ws);
    const cookie = await signIn(ws.adminKey);

    const overview = await call("/", { headers: { cookie } });
    expect(overview.body).toContain('<a href="/deployments/faq">faq</a>');

    const page = await call("/deployments/faq", { headers: { cookie } });
    expect(page.status).toBe(200);
    const sections = [...page.body.matchAll(/<section class="environment-history"[^>]*data-environment="([^"]+)"/g)].map((m) => m[1]);
    expect(sections).toEqual(["development", "staging", "production"]);
    const devVersions = [...page.body.matchAll(/data-release="[^"]+" data-version="(\d+)"/g)].map((m) => Number(m[1]));
    expect(devVersions).toEqual([2, 1, 1]);
    expect(page.body).toMatch(new RegExp(`data-release="${development[0]!.id}" data-version="2" class="live"`));
    expect(page.body).not.toMatch(new RegExp(`data-release="${development[1]!.id}" data-version="1" class="live"`));
    expect(page.body).toContain("sandbox revision 2");
    expect(page.body).toContain("Not deployed in production yet.");
    // Compare with the other environment's live release and with the previous one.
    expect(page.body).toContain(`href="/releases/${staging[0]!.id}/compare?to=${development[0]!.id}"`);
    expect(page.body).toContain(`href="/releases/${development[1]!.id}/compare?to=${development[0]!.id}"`);
    expect(page.body).toContain(`href="/releases/${development[0]!.id}/promote"`);
    expect(page.body).toContain('href="/deployments/faq/environments/development/revert"');
    // Staging has one release: nothing to revert to, so no revert link.
    expect(page.body).not.toContain('href="/deployments/faq/environments/staging/revert"');

    expect((await call("/deployments/nothing-here", { headers: { cookie } })).status).toBe(404);
  });

  it("shows a staging key staging only, without promote or revert, and answers 404 for other environments", async () => {
    const ws = await createWorkspace();
    const { development } = await twoRevisions(ws);
    const reader = await ws.key({ environment: "staging", scopes: ["read"], name: "staging reader" });
    const cookie = await signIn(reader.key);

    const page = await call("/deployments/faq", { headers: { cookie } });
    expect(page.status).toBe(200);
    expect(page.body).toContain('data-environment="staging"');
    expect(page.body).not.toMatch(/production|development/);
    expect(page.body).not.toContain("/promote");
    expect(page.body).not.toContain("/revert");

    for (const path of [
      `/releases/${development[0]!.id}`,
      `/releases/${development[0]!.id}/promote`,
      `/releases/${development[0]!.id}/compare?to=${development[1]!.id}`,
      "/deployments/faq/environments/development/revert",
      "/deployments/faq/environments/production/revert",
    ]) {
      const res = await call(path, { headers: { cookie } });
      expect(res.status, path).toBe(404);
      expect(res.body).toContain("There is nothing at this address that this key may see.");
    }
    // Its own environment's revert page: shown, but without a form (the key lacks promote).
    const revert = await call("/deployments/faq/environments/staging/revert", { headers: { cookie } });
    expect(revert.status).toBe(409);
    expect(revert.body).not.toContain('<form method="post" action="/deployments');
  });

  it("shows a prompt release readably and a workflow release as a graph with a text alternative", async () => {
    const ws = await createWorkspace();
    const { staging } = await twoRevisions(ws);
    const cookie = await signIn(ws.adminKey);
    const prompt = await call(`/releases/${staging[0]!.id}`, { headers: { cookie } });
    expect(prompt.status).toBe(200);
    expect(prompt.body).toContain("<dt>Provider</dt><dd>echo</dd>");
    expect(prompt.body).toMatch(/<dt><code>temperature<\/code><\/dt><dd><code>0<\/code><\/dd>/);
    expect(prompt.body).toMatch(/<th scope="row"><code>product<\/code><\/th><td>STRING<\/td><td>no<\/td><td><code>&quot;Stagecraft&quot;<\/code><\/td>/);
    expect(prompt.body).toContain('<span class="role">system</span><pre>You answer questions about {{ product }}.</pre>');
    expect(prompt.body).toContain(staging[0]!.content_hash);

    const workflow = {
      input_variables: [{ key: "question", type: "STRING" }],
      nodes: [
        { id: "draft", type: "template", template: "{{ inputs.question }}" },
        { id: "left", type: "template", template: "L {{ nodes.draft.text }}" },
        { id: "right", type: "template", template: "R {{ nodes.draft.text }}" },
        { id: "final", type: "output", name: "answer", value: "{{ nodes.left.text }} {{ nodes.right.text }}" },
      ],
      edges: [
        { from: "draft", to: "left" },
        { from: "draft", to: "right" },
        { from: "left", to: "final" },
        { from: "right", to: "final" },
      ],
    };
    const sandbox = await createSandbox(ws, "router", workflow, "workflow");
    const deployed = await call(`/v1/sandboxes/${sandbox.id}/deploy`, { key: ws.adminKey, body: { deployment_name: "router", environments: ["development"] } });
    expect(deployed.status).toBe(201);
    const page = await call(`/releases/${deployed.body.releases[0].id}`, { headers: { cookie } });
    expect(page.status).toBe(200);
    expect(page.body).toMatch(/<svg class="workflow-graph"[^>]*role="img"[^>]*aria-describedby="workflow-nodes"/);
    expect([...page.body.matchAll(/<g class="node node-(\w+)" data-node="(\w+)"/g)].map((m) => `${m[2]}:${m[1]}`)).toEqual([
      "draft:template",
      "left:template",
      "right:template",
      "final:output",
    ]);
    expect([...page.body.matchAll(/data-edge="([^"]+)"/g)].map((m) => m[1])).toEqual(["draft-&gt;left", "draft-&gt;right", "left-&gt;final", "right-&gt;final"]);
    // Layers by longest path: left and right side by side, final below both.
    const y = (id: string) => Number(new RegExp(`data-node="${id}"><rect x="[\\d.]+" y="([\\d.]+)"`).exec(page.body)?.[1]);
    expect(y("left")).toBe(y("right"));
    expect(y("draft")).toBeLessThan(y("left"));
    expect(y("final")).toBeGreaterThan(y("left"));
    expect(page.body).toContain('<ol class="nodes" id="workflow-nodes">');
    expect(page.body).toContain("after left, right");
  });

  it("compares two releases with a marked line diff, and says when their content is identical", async () => {
    const ws = await createWorkspace();
    const { development, staging } = await twoRevisions(ws);
    const cookie = await signIn(ws.adminKey);
    const changed = await call(`/releases/${staging[0]!.id}/compare?to=${development[0]!.id}`, { headers: { cookie } });
    expect(changed.status).toBe(200);
    expect(changed.body).toContain("Message 2 changed");
    expect(changed.body).toMatch(
      /<span class="line removed"><span class="visually-hidden">removed: <\/span><span class="mark" aria-hidden="true">−<\/span> {7}&quot;template&quot;: &quot;{{ question }}&quot;/,
    );
    expect(changed.body).toMatch(/<span class="line added"><span class="visually-hidden">added: <\/span><span class="mark" aria-hidden="true">\+<\/span> Question: {{ question }}/);
    expect(changed.body).not.toContain("Identical content");

    const same = await call(`/releases/${staging[0]!.id}/compare?to=${development[1]!.id}`, { headers: { cookie } });
    expect(same.status).toBe(200);
    expect(same.body).toContain("Identical content");
    expect(same.body).not.toContain('class="line added"');

    expect((await call(`/releases/${staging[0]!.id}/compare`, { headers: { cookie } })).status).toBe(404);
    expect((await call(`/releases/${staging[0]!.id}/compare?to=rel_missing`, { headers: { cookie } })).status).toBe(404);
  });

  it("promotes through the promote page, showing each target's policy, and says what happened per target", async () => {
    const ws = await createWorkspace();
    const { development, staging } = await twoRevisions(ws);
    const until = new Date(Date.now() + 3_600_000).toISOString();
    expect(
      (
        await call("/v1/environments/production", {
          method: "PATCH",
          key: ws.adminKey,
          body: { test_gate: { min_pass_rate: 0.9, untested: "allow" } },
        })
      ).status,
    ).toBe(200);
    const cookie = await signIn(ws.adminKey);

    const form = await call(`/releases/${development[0]!.id}/promote`, { headers: { cookie } });
    expect(form.status).toBe(200);
    expect(form.body).toContain('<input type="checkbox" id="target-staging" name="environments" value="staging"');
    expect(form.body).toContain('<label for="target-production">production</label>');
    expect(form.body).not.toContain('value="development"');
    expect(form.body).toContain(`Replaces <a href="/releases/${staging[0]!.id}">staging v1</a>`);
    expect(form.body).toContain("Nothing is live in production yet");
    expect(form.body).toContain("must pass at least 90%");
    expect(form.body).toContain("No freeze window in effect.");

    // Nothing chosen: the form again, with the reason, and nothing written.
    const releasesBefore = await releaseCount();
    const none = await post(cookie, `/releases/${development[0]!.id}/promote`, `/releases/${development[0]!.id}/promote`, []);
    expect(none.status).toBe(422);
    expect(none.body).toContain("Choose at least one environment to promote into.");
    expect(await releaseCount()).toBe(releasesBefore);

    // Without the CSRF token: refused, nothing changed.
    const snapshot = await storageSnapshot();
    const forged = await call(`/releases/${development[0]!.id}/promote`, { method: "POST", rawBody: "environments=staging", headers: { ...FORM, cookie } });
    expect(forged.status).toBe(403);
    expect(await storageSnapshot()).toEqual(snapshot);

    const promoted = await post(cookie, `/releases/${development[0]!.id}/promote`, `/releases/${development[0]!.id}/promote`, [
      ["environments", "staging"],
      ["environments", "production"],
    ]);
    expect(promoted.status).toBe(303);
    const [stagingNow, productionNow] = [await history(ws, "staging"), await history(ws, "production")];
    expect(stagingNow[0]!.version).toBe(2);
    expect(stagingNow[0]!.source).toMatchObject({ type: "promotion", release_id: development[0]!.id });
    expect(productionNow.map((r) => r.version)).toEqual([1]);
    expect(promoted.headers.get("location")).toBe(`/deployments/faq?released=${stagingNow[0]!.id}&released=${productionNow[0]!.id}`);
    const shown = await call(promoted.headers.get("location")!, { headers: { cookie } });
    expect(shown.body).toContain(`Released into staging as <a href="/releases/${stagingNow[0]!.id}">v2</a>.`);
    expect(shown.body).toContain(`Released into production as <a href="/releases/${productionNow[0]!.id}">v1</a>.`);
    expect(shown.body).toContain("promoted from <a");

    // Approvals needed: the promotion waits, and the page says so with a link to the approvals.
    expect((await call("/v1/environments/production", { method: "PATCH", key: ws.adminKey, body: { required_approvals: 1 } })).status).toBe(200);
    const waiting = await post(cookie, `/releases/${development[1]!.id}/promote`, `/releases/${development[1]!.id}/promote`, [["environments", "production"]]);
    expect(waiting.headers.get("location")).toMatch(/^\/deployments\/faq\?requested=pr/);
    expect((await history(ws, "production")).length).toBe(1);
    const told = await call(waiting.headers.get("location")!, { headers: { cookie } });
    expect(told.body).toContain('Waiting for approval to enter production (0 of 1 approvals): see <a href="/approvals">Approvals</a>.');

    // A freeze window refuses the whole promotion; the page names the code.
    expect(
      (
        await call("/v1/environments/staging", {
          method: "PATCH",
          key: ws.adminKey,
          body: { freeze_windows: [{ starts_at: new Date(0).toISOString(), ends_at: until, reason: "launch" }] },
        })
      ).status,
    ).toBe(200);
    const frozenForm = await call(`/releases/${development[1]!.id}/promote`, { headers: { cookie } });
    expect(frozenForm.body).toMatch(/Frozen until <time datetime="[^"]+">[^<]+<\/time> \(launch\)/);
    const count = await releaseCount();
    const frozen = await post(cookie, `/releases/${development[1]!.id}/promote`, `/releases/${development[1]!.id}/promote`, [["environments", "staging"]]);
    expect(frozen.headers.get("location")).toBe("/deployments/faq?refused=CHANGE_FREEZE");
    expect(await releaseCount()).toBe(count);
    const refusal = await call(frozen.headers.get("location")!, { headers: { cookie } });
    expect(refusal.body).toContain("Refused (CHANGE_FREEZE): A change-freeze window is in force in a target environment. Nothing was changed.");
  }, 30_000);

  it("offers no promote to a read-only key, and its forged promote changes nothing", async () => {
    const ws = await createWorkspace();
    const { development } = await twoRevisions(ws);
    const reader = await ws.key({ scopes: ["read"], name: "reader" });
    const cookie = await signIn(reader.key);
    const page = await call("/deployments/faq", { headers: { cookie } });
    expect(page.body).not.toContain("/promote");
    expect(page.body).not.toContain("/revert");
    const form = await call(`/releases/${development[0]!.id}/promote`, { headers: { cookie } });
    expect(form.status).toBe(403);
    expect(form.body).not.toContain('name="environments"');
    const count = await releaseCount();
    const body = new URLSearchParams([
      ["csrf", csrfOf(page.body)],
      ["environments", "staging"],
    ]).toString();
    const forged = await call(`/releases/${development[0]!.id}/promote`, { method: "POST", rawBody: body, headers: { ...FORM, cookie } });
    expect(forged.headers.get("location")).toBe("/deployments/faq?refused=INSUFFICIENT_SCOPE");
    expect(await releaseCount()).toBe(count);
  });

  it("reverts through a confirmation page naming the release that comes back, as the API's revert does", async () => {
    const ws = await createWorkspace();
    const { development } = await twoRevisions(ws);
    const cookie = await signIn(ws.adminKey);
    const confirm = await call("/deployments/faq/environments/development/revert", { headers: { cookie } });
    expect(confirm.status).toBe(200);
    expect(confirm.body).toMatch(new RegExp(`<dt>Live now</dt><dd data-release="${development[0]!.id}"><a href="/releases/${development[0]!.id}">v2</a>, created <time`));
    expect(confirm.body).toMatch(
      new RegExp(
        `<dt>Comes back</dt><dd data-release="${development[1]!.id}"><a href="/releases/${development[1]!.id}">v1</a>, created <time[^>]+>just now</time> by Initial admin key`,
      ),
    );
    expect(confirm.body).toContain("Revert development to v1</button>");

    // Without the CSRF token: refused, nothing changed.
    const snapshot = await storageSnapshot();
    const forged = await call("/deployments/faq/environments/development/revert", { method: "POST", rawBody: "", headers: { ...FORM, cookie } });
    expect(forged.status).toBe(403);
    expect(await storageSnapshot()).toEqual(snapshot);

    const reverted = await post(cookie, "/deployments/faq/environments/development/revert", "/deployments/faq/environments/development/revert", [
      ["release_id", development[1]!.id],
      ["live_release_id", development[0]!.id],
    ]);
    expect(reverted.status).toBe(303);
    const after = await history(ws, "development");
    expect(after.map((r) => r.version)).toEqual([3, 2, 1]);
    expect(after[0]!.source).toMatchObject({ type: "revert", release_id: development[1]!.id });
    expect(after[0]!.content_hash).toBe(development[1]!.content_hash);
    expect(reverted.headers.get("location")).toBe(`/deployments/faq?reverted=${after[0]!.id}`);
    const shown = await call(reverted.headers.get("location")!, { headers: { cookie } });
    expect(shown.body).toContain(`Reverted development: it now serves <a href="/releases/${after[0]!.id}">v3</a>.`);
    expect(shown.body).toContain(`revert to <a href="/releases/${development[1]!.id}">v1</a>`);

    // The same confirmation posted again names a live release that is no longer live: refused, nothing changed.
    const count = await releaseCount();
    const stale = await post(cookie, "/deployments/faq", "/deployments/faq/environments/development/revert", [
      ["release_id", development[1]!.id],
      ["live_release_id", development[0]!.id],
    ]);
    expect(stale.headers.get("location")).toBe("/deployments/faq?refused=PRECONDITION_FAILED");
    expect(await releaseCount()).toBe(count);
  });

  it("escapes the query and shows nothing for ids the key may not see", async () => {
    const ws = await createWorkspace();
    const { development } = await twoRevisions(ws);
    const reader = await ws.key({ environment: "staging", scopes: ["read"], name: "staging reader" });
    const cookie = await signIn(reader.key);
    const page = await call(`/deployments/faq?released=${development[0]!.id}&refused=${encodeURIComponent("<script>x</script>")}`, { headers: { cookie } });
    expect(page.status).toBe(200);
    expect(page.body).not.toContain("<script>");
    expect(page.body).not.toContain("Released into");
    expect(page.body).toContain("Refused (OTHER): The change could not be made.");
  });
});

/** An A/B rollout in staging of development's second revision, started through the API. */
async function abRollout(ws: TestWorkspace, key = ws.adminKey) {
  const { development, staging } = await twoRevisions(ws);
  const started = await call("/v1/deployments/faq/rollouts?environment=staging", { key, body: { release_id: development[0]!.id, mode: "ab", percent: 50 } });
  expect(started.status).toBe(201);
  return { development, staging, rollout: started.body.rollout as { id: string; candidate_release_id: string; stable_release_id: string } };
}

const rolloutStatus = async (id: string) => (await env.DB.prepare("SELECT status FROM rollouts WHERE id = ?").bind(id).first<{ status: string }>())?.status;
const rolloutCount = async () => (await env.DB.prepare("SELECT COUNT(*) AS n FROM rollouts").first<{ n: number }>())!.n;

describe("dashboard rollouts", () => {
  it("shows a running rollout above its environment's history: share, versions and the candidate marked", async () => {
    const ws = await createWorkspace();
    const { staging, rollout } = await abRollout(ws);
    const cookie = await signIn(ws.adminKey);
    const page = await call("/deployments/faq", { headers: { cookie } });
    expect(page.status).toBe(200);
    const staged = page.body.slice(page.body.indexOf('data-environment="staging"'), page.body.indexOf('data-environment="production"'));
    expect(staged).toContain(`<section class="rollout-panel" aria-labelledby="rollout-staging" data-rollout="${rollout.id}" data-status="running">`);
    expect(staged).toContain("A/B test in staging: running");
    expect(staged).toContain('<dd data-percent="50">50% of traffic</dd>');
    expect(staged).toContain(`<a href="/releases/${staging[0]!.id}">v1</a>`);
    expect(staged).toContain(`<a href="/releases/${rollout.candidate_release_id}">v2</a>`);
    expect(staged).toMatch(new RegExp(`data-release="${rollout.candidate_release_id}"[\\s\\S]*?rolling out: 50%`));
    expect(staged).toMatch(/Started<\/dt><dd><time[^>]+>just now<\/time> by Initial admin key/);
    for (const verb of ["pause", "abort", "complete"]) expect(staged).toContain(`action="/rollouts/${rollout.id}/${verb}"`);
    // An A/B test holds one share: nothing to advance to; it is not paused: nothing to resume.
    expect(staged).not.toContain(`/rollouts/${rollout.id}/advance`);
    expect(staged).not.toContain(`/rollouts/${rollout.id}/resume`);
    // No other environment has a panel.
    expect(page.body.match(/class="rollout-panel"/g)).toHaveLength(1);
  });

  it("pauses through the panel's form, refuses a post without the CSRF token, and offers a read-only key no controls", async () => {
    const ws = await createWorkspace();
    const { rollout } = await abRollout(ws);
    const cookie = await signIn(ws.adminKey);

    const snapshot = await storageSnapshot();
    const forged = await call(`/rollouts/${rollout.id}/pause`, { method: "POST", rawBody: "", headers: { ...FORM, cookie } });
    expect(forged.status).toBe(403);
    expect(await storageSnapshot()).toEqual(snapshot);

    const paused = await post(cookie, "/deployments/faq", `/rollouts/${rollout.id}/pause`, []);
    expect(paused.status).toBe(303);
    expect(paused.headers.get("location")).toBe("/deployments/faq?rollout=paused");
    expect(await rolloutStatus(rollout.id)).toBe("paused");
    const shown = await call("/deployments/faq?rollout=paused", { headers: { cookie } });
    expect(shown.body).toContain("The rollout is paused: the split holds its share");
    expect(shown.body).toContain(`action="/rollouts/${rollout.id}/resume"`);
    expect(shown.body).not.toContain(`action="/rollouts/${rollout.id}/pause"`);

    // Pausing again: the domain's refusal, by its fixed message.
    const again = await post(cookie, "/deployments/faq", `/rollouts/${rollout.id}/pause`, []);
    expect(again.headers.get("location")).toBe("/deployments/faq?refused=ROLLOUT_PAUSED");

    const reader = await ws.key({ scopes: ["read"], name: "reader" });
    const readerCookie = await signIn(reader.key);
    const readerPage = await call("/deployments/faq", { headers: { cookie: readerCookie } });
    expect(readerPage.body).toContain(`data-rollout="${rollout.id}"`);
    expect(readerPage.body).not.toContain("/rollouts/");
    expect(readerPage.body).not.toContain("Start a rollout");
    const before = await storageSnapshot();
    const body = new URLSearchParams([["csrf", csrfOf(readerPage.body)]]).toString();
    const refused = await call(`/rollouts/${rollout.id}/resume`, { method: "POST", rawBody: body, headers: { ...FORM, cookie: readerCookie } });
    expect(refused.headers.get("location")).toBe("/deployments/faq?refused=INSUFFICIENT_SCOPE");
    expect(await rolloutStatus(rollout.id)).toBe("paused");
    expect(await storageSnapshot()).toEqual(before);

    // Another environment's key does not see the rollout at all.
    const devKey = await ws.key({ environment: "development", scopes: ["read", "promote"], name: "dev" });
    const devCookie = await signIn(devKey.key);
    const devPost = await post(devCookie, "/deployments/faq", `/rollouts/${rollout.id}/resume`, []);
    expect(devPost.status).toBe(404);
    expect(await rolloutStatus(rollout.id)).toBe("paused");
  });

  it("aborts back to stable and lists the ended rollout with who ended it", async () => {
    const ws = await createWorkspace();
    const { rollout } = await abRollout(ws);
    const cookie = await signIn(ws.adminKey);
    const aborted = await post(cookie, "/deployments/faq", `/rollouts/${rollout.id}/abort`, []);
    expect(aborted.headers.get("location")).toBe("/deployments/faq?rollout=aborted");
    expect(await rolloutStatus(rollout.id)).toBe("aborted");
    const page = await call("/deployments/faq", { headers: { cookie } });
    expect(page.body).not.toContain('class="rollout-panel"');
    expect(page.body).toMatch(
      new RegExp(`<tr data-rollout="${rollout.id}" data-status="aborted">[\\s\\S]*?A/B test</td><td>aborted<span class="meta">Aborted by Initial admin key`),
    );
  });

  it("starts a rollout through its form, and shows the domain's refusal when one already runs", async () => {
    const ws = await createWorkspace();
    const { development } = await twoRevisions(ws);
    const cookie = await signIn(ws.adminKey);
    const deploymentPage = await call("/deployments/faq", { headers: { cookie } });
    expect(deploymentPage.body).toContain(`href="/releases/${development[0]!.id}/rollout"`);

    const form = await call(`/releases/${development[0]!.id}/rollout`, { headers: { cookie } });
    expect(form.status).toBe(200);
    const targets = [...form.body.matchAll(/<option value="([^"]+)"[^>]*>\1 \(/g)].map((m) => m[1]);
    // Not development, where this release is live already.
    expect(targets).toEqual(["staging", "production"]);
    expect(form.body).toContain('name="steps" value="5, 25, 50, 100"');

    // Steps that do not increase: the API's own validation, on the form again.
    const count = await rolloutCount();
    const invalid = await post(cookie, `/releases/${development[0]!.id}/rollout`, `/releases/${development[0]!.id}/rollout`, [
      ["environment", "staging"],
      ["mode", "canary"],
      ["steps", "25, 5"],
    ]);
    expect(invalid.status).toBe(422);
    expect(invalid.body).toContain("must be above the one before");
    expect(invalid.body).toContain('value="25, 5"');
    expect(await rolloutCount()).toBe(count);

    const started = await post(cookie, `/releases/${development[0]!.id}/rollout`, `/releases/${development[0]!.id}/rollout`, [
      ["environment", "staging"],
      ["mode", "canary"],
      ["steps", "10, 50, 100"],
      ["sticky_by", "header"],
      ["sticky_key", "X-User"],
      ["guard_min_executions", "20"],
    ]);
    expect(started.status).toBe(303);
    expect(started.headers.get("location")).toBe("/deployments/faq?rollout=started");
    const row = await env.DB.prepare("SELECT mode, status, percent, steps, sticky_by, guard FROM rollouts WHERE workspace_id = ?")
      .bind(ws.id)
      .first<{ mode: string; status: string; percent: number; steps: string; sticky_by: string; guard: string }>();
    expect(row).toMatchObject({ mode: "canary", status: "running", percent: 10 });
    expect(JSON.parse(row!.steps).map((s: { percent: number }) => s.percent)).toEqual([10, 50, 100]);
    expect(JSON.parse(row!.sticky_by)).toEqual({ type: "header", name: "X-User" });
    expect(JSON.parse(row!.guard)).toEqual({ min_executions: 20 });
    const shown = await call("/deployments/faq?rollout=started", { headers: { cookie } });
    expect(shown.body).toContain("10% (step 1 of 3)");
    expect(shown.body).toContain(`action="/rollouts/`);

    // A second one in staging: 409 with the domain's detail, nothing started.
    const second = await post(cookie, `/releases/${development[0]!.id}/rollout`, `/releases/${development[0]!.id}/rollout`, [
      ["environment", "staging"],
      ["mode", "ab"],
      ["percent", "30"],
    ]);
    expect(second.status).toBe(409);
    expect(second.body).toMatch(/Not started: [^<]*rollout/i);
    expect(await rolloutCount()).toBe(count + 1);
  });

  it("shows key names, not ids, on the audit log and the sandbox pages, and links audit targets to their pages", async () => {
    const ws = await createWorkspace();
    const casey = await ws.key({ scopes: ["admin"], name: "Casey deploy key" });
    const sandbox = await createSandbox({ ...ws, adminKey: casey.key });
    const cookie = await signIn(ws.adminKey);

    const editor = await call(`/sandboxes/${sandbox.id}`, { headers: { cookie } });
    expect(editor.status).toBe(200);
    expect(editor.body).toMatch(/saved <time[^>]+>[^<]+<\/time> by Casey deploy key\./);
    expect(editor.body).not.toContain(casey.id);
    const list = await call("/sandboxes", { headers: { cookie } });
    expect(list.body).toContain('<span class="meta">by Casey deploy key</span>');
    expect(list.body).not.toContain(casey.id);

    const deployed = await deploy(ws, sandbox.id, ["development", "staging"], {}, casey.key);
    expect(deployed.status).toBe(201);
    const audit = await call("/audit", { headers: { cookie } });
    expect(audit.status).toBe(200);
    expect(audit.body).toContain(`<span data-actor="${casey.id}">Casey deploy key</span>`);
    expect(audit.body).not.toContain(`<span data-actor="${casey.id}"><code>`);
    expect(audit.body).toContain(`<a href="/sandboxes/${sandbox.id}">sandbox</a>`);
    expect(audit.body).toContain(`<a href="/deployments/${deployed.body.deployment.id}">deployment</a>`);
    // A deploy into two environments names both, not "workspace".
    expect(audit.body).toMatch(/data-action="release.deployed">[\s\S]*?<td>development, staging<\/td>/);
  });
});
