import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { call as callApi, createWorkspace, storageSnapshot, type TestWorkspace } from "../harness";
import { capitalsSpec, createSuite, deployPrompt } from "../test-suites/fixtures";
import { call, csrfOf, FORM, post, signIn } from "./browser-session";

const CASES = [
  { name: "France", inputs: { country: "France" }, assertions: [{ type: "exact_match", value: "Paris" }] },
  { name: "Japan", inputs: { country: "Japan" }, expected: "Tokyo", assertions: [{ type: "contains" }] },
  { name: "Italy", inputs: { country: "Italy" }, assertions: [{ type: "contains", value: "Rome" }] },
];

/** A "capitals" prompt live in development and staging, and a suite of three cases of which two pass. */
async function suiteWorkspace() {
  const ws = await createWorkspace();
  const { releases } = await deployPrompt(ws, "capitals", capitalsSpec(), ["development", "staging"]);
  const suite = await createSuite(ws, { name: "capitals", deployment: "capitals", cases: CASES });
  return { ws, releases: releases as Record<"development" | "staging", string>, suite };
}

async function runRows(ws: TestWorkspace) {
  return (await env.DB.prepare("SELECT id, release_id, passed_cases, total_cases FROM test_suite_runs WHERE workspace_id = ? ORDER BY id").bind(ws.id).all()).results;
}

/** Posts the suite page's Run form with the session's CSRF token, as the browser would. */
const runThroughPage = (cookie: string, suiteId: string, fields: Record<string, string>) => post(cookie, `/test-suites/${suiteId}`, `/test-suites/${suiteId}/runs`, fields);

describe("dashboard test suites", () => {
  it("lists suites, shows a suite's cases, runs it against staging's release from the form and shows each case's result", async () => {
    const { ws, releases, suite } = await suiteWorkspace();
    const cookie = await signIn(ws.adminKey);

    const list = await call("/test-suites", { headers: { cookie } });
    expect(list.status).toBe(200);
    expect(list.body).toContain(`data-suite="${suite.id}"`);
    expect(list.body).toContain("Deployment capitals");
    expect(list.body).toMatch(/<td>3<\/td>/);
    expect(list.body).toContain("Never run");

    const page = await call(`/test-suites/${suite.id}`, { headers: { cookie } });
    expect(page.status).toBe(200);
    expect(page.body).toContain("<h1>capitals</h1>");
    expect(page.body).toContain("The output equals “Paris”");
    expect(page.body).toContain("The output contains the expected output");
    expect(page.body).toContain("Tokyo");
    // Both live releases are offered, each named by its environment.
    expect(page.body).toContain(`<option value="${releases.staging}">staging: v1`);
    expect(page.body).toContain(`<option value="${releases.development}">development: v1`);
    expect(page.body).toMatch(/<label for="run-release">Release<\/label>/);

    const ran = await runThroughPage(cookie, suite.id, { release_id: releases.staging });
    expect(ran.status).toBe(303);
    const location = ran.headers.get("location") ?? "";
    expect(location).toMatch(/^\/test-suite-runs\/tsr_[^?]+\?done=ran$/);
    const rows = await runRows(ws);
    expect(rows).toEqual([{ id: location.split("/")[2]!.split("?")[0], release_id: releases.staging, passed_cases: 2, total_cases: 3 }]);

    const run = await call(location, { headers: { cookie } });
    expect(run.status).toBe(200);
    expect(run.body).toContain("The suite ran: 2 of 3 cases passed.");
    expect(run.body).toContain("67 %");
    expect(run.body).toContain("in staging");
    expect(run.body).toMatch(/data-case="[^"]+" data-passed="true"/);
    expect(run.body).toMatch(/data-case="[^"]+" data-passed="false"/);
    expect(run.body).toContain("I do not know");
    expect(run.body).toMatch(/\d+ ms/);
    expect(run.body).toContain("Cases (1 failed)");

    const after = await call("/test-suites", { headers: { cookie } });
    expect(after.body).toContain(`href="${location.split("?")[0]}"`);
    expect(after.body).toContain("67 %");
    const suitePage = await call(`/test-suites/${suite.id}`, { headers: { cookie } });
    expect(suitePage.body).toContain(`data-run="${rows[0]!.id}"`);
  });

  it("shows a staging key only staging's release and runs, and answers 404 for development's", async () => {
    const { ws, releases, suite } = await suiteWorkspace();
    const devRun = await callApi(`/v1/test-suites/${suite.id}/runs`, { key: ws.adminKey, body: { release_id: releases.development } });
    expect(devRun.status).toBe(201);
    const staging = await ws.key({ environment: "staging", scopes: ["read", "execute"], name: "staging tester" });
    const cookie = await signIn(staging.key);

    const page = await call(`/test-suites/${suite.id}`, { headers: { cookie } });
    expect(page.status).toBe(200);
    expect(page.body).toContain(`<option value="${releases.staging}">`);
    expect(page.body).not.toContain(releases.development);
    expect(page.body).not.toContain(devRun.body.id);
    expect(page.body).not.toMatch(/development/);

    expect((await call(`/test-suite-runs/${devRun.body.id}`, { headers: { cookie } })).status).toBe(404);
    expect((await call(`/test-suites/ts_missing`, { headers: { cookie } })).status).toBe(404);

    // A forged form naming development's release: the same 404 as for a release that does not exist, and no run.
    const before = await runRows(ws);
    const forged = await runThroughPage(cookie, suite.id, { release_id: releases.development });
    expect(forged.status).toBe(404);
    expect(forged.body).toContain("Not found");
    expect(await runRows(ws)).toEqual(before);

    const own = await runThroughPage(cookie, suite.id, { release_id: releases.staging });
    expect(own.status).toBe(303);
    expect(await runRows(ws)).toHaveLength(2);
  });

  it("offers no Run form to a read-only key, refuses its forged run, and refuses a post without the CSRF token", async () => {
    const { ws, releases, suite } = await suiteWorkspace();
    const reader = await ws.key({ scopes: ["read"], name: "reader" });
    const cookie = await signIn(reader.key);
    const page = await call(`/test-suites/${suite.id}`, { headers: { cookie } });
    expect(page.status).toBe(200);
    expect(page.body).not.toContain(`action="/test-suites/${suite.id}/runs"`);
    expect(page.body).toContain("This key may not run test suites");

    const before = await storageSnapshot();
    const forged = await call(`/test-suites/${suite.id}/runs`, {
      method: "POST",
      rawBody: new URLSearchParams({ csrf: csrfOf(page.body), release_id: releases.staging }).toString(),
      headers: { ...FORM, cookie },
    });
    expect(forged.status).toBe(403);
    expect(forged.body).toContain("execute");
    const admin = await signIn(ws.adminKey);
    const noToken = await call(`/test-suites/${suite.id}/runs`, { method: "POST", rawBody: `release_id=${releases.staging}`, headers: { ...FORM, cookie: admin } });
    expect(noToken.status).toBe(403);
    expect(await storageSnapshot()).toEqual(before);
  });

  it("shows the problem on the form when the cases do not fit the target's inputs, with 400", async () => {
    const ws = await createWorkspace();
    const { releases } = await deployPrompt(ws, "capitals", capitalsSpec());
    const suite = await createSuite(ws, { name: "wrong inputs", deployment: "capitals", cases: [{ name: "no country", inputs: { city: "Paris" }, assertions: [] }] });
    const cookie = await signIn(ws.adminKey);
    const res = await runThroughPage(cookie, suite.id, { release_id: releases.staging! });
    expect(res.status).toBe(400);
    expect(res.body).toContain('role="alert"');
    expect(res.body).toContain("do not fit the input variables");
    expect(await runRows(ws)).toEqual([]);
  });
});
