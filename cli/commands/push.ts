import type { Command } from "commander";
import { type ApiClient, allSandboxes, allTestSuites, must, type Sandbox, type TestSuite } from "../api-client";
import { casesToSend, sandboxMatchesFile, suiteMatchesFile } from "../compare";
import { CliError, ExitCode } from "../exit-codes";
import type { Project, SandboxFile, SuiteFile } from "../project-files";
import type { Session } from "../session";

export type PlanAction = "create" | "update" | "unchanged" | "waiting";

export interface PlanStep {
  type: "sandbox" | "suite";
  name: string;
  file: string;
  action: PlanAction;
  /** Why a step waits: a suite's deployment that has no release yet. */
  reason?: string;
  apply?: () => Promise<unknown>;
}

async function deploymentExists(client: ApiClient, name: string, environment: string): Promise<boolean> {
  const res = await client.GET("/v1/deployments/{id}/releases", { params: { path: { id: name }, query: { environment, limit: 1 } } });
  if (res.response.status === 404) return false;
  await must(Promise.resolve(res), `Looking up deployment ${name}`);
  return true;
}

function sandboxStep(client: ApiClient, file: SandboxFile, stored: Sandbox | undefined): PlanStep {
  const step = { type: "sandbox" as const, name: file.name, file: file.file };
  if (!stored) {
    return {
      ...step,
      action: "create",
      apply: () => must(client.POST("/v1/sandboxes", { body: { name: file.name, kind: file.kind, spec: file.spec, scenarios: file.scenarios } }), `Creating ${file.name}`),
    };
  }
  if (stored.kind !== file.kind) throw new CliError(`${file.file}: sandbox "${file.name}" is a ${stored.kind} on the server; a kind cannot change`, ExitCode.usage);
  if (sandboxMatchesFile(stored, file)) return { ...step, action: "unchanged" };
  return {
    ...step,
    action: "update",
    apply: () =>
      must(
        client.PATCH("/v1/sandboxes/{id}", {
          params: { path: { id: stored.id } },
          headers: { "if-match": `"${stored.revision}"` },
          body: { spec: file.spec, scenarios: file.scenarios },
        }),
        `Saving ${file.name}`,
      ),
  };
}

function suiteStep(client: ApiClient, file: SuiteFile, stored: TestSuite | undefined, deployable: boolean): PlanStep {
  const step = { type: "suite" as const, name: file.name, file: file.file };
  if (!deployable) return { ...step, action: "waiting", reason: `deployment "${file.deployment}" has no release yet: \`stagecraft deploy ${file.deployment}\` pushes it` };
  const body = { description: file.description, deployment: file.deployment, cases: casesToSend(file, stored) };
  if (!stored) return { ...step, action: "create", apply: () => must(client.POST("/v1/test-suites", { body: { name: file.name, ...body } }), `Creating suite ${file.name}`) };
  if (suiteMatchesFile(stored, file)) return { ...step, action: "unchanged" };
  return {
    ...step,
    action: "update",
    apply: () =>
      must(client.PATCH("/v1/test-suites/{id}", { params: { path: { id: stored.id } }, headers: { "if-match": `"${stored.revision}"` }, body }), `Saving suite ${file.name}`),
  };
}

/** What pushing the files would do: each sandbox and suite created, updated, unchanged, or waiting for its deployment. */
export async function planPush(s: Session, project: Project, only?: { suitesOf?: Set<string> }): Promise<PlanStep[]> {
  const client = await s.client();
  s.out.progress(`Comparing ${project.sandboxes.length + project.suites.length} file(s) with ${s.server}…`);
  const [sandboxes, suites] = await Promise.all([only?.suitesOf ? [] : allSandboxes(client), allTestSuites(client)]);
  const steps: PlanStep[] = only?.suitesOf
    ? []
    : project.sandboxes.map((file) =>
        sandboxStep(
          client,
          file,
          sandboxes.find((x) => x.name === file.name),
        ),
      );
  const exists = new Map<string, boolean>();
  for (const file of project.suites) {
    if (only?.suitesOf && !(file.deployment && only.suitesOf.has(file.deployment))) continue;
    const stored = suites.find((x) => x.name === file.name);
    let deployable = true;
    if (file.deployment && !stored?.deployment_id) {
      if (!exists.has(file.deployment)) exists.set(file.deployment, await deploymentExists(client, file.deployment, s.config.pipeline[0]!));
      deployable = exists.get(file.deployment)!;
    }
    steps.push(suiteStep(client, file, stored, deployable));
  }
  return steps;
}

export function printPlan(s: Session, steps: PlanStep[]) {
  s.out.table(
    ["ACTION", "TYPE", "NAME", "FILE"],
    steps.map((step) => [step.action, step.type, step.name, step.reason ? `${step.file} (${step.reason})` : step.file]),
  );
}

/** Applies the steps in order (sandboxes before suites), one progress line each. */
export async function applyPlan(s: Session, steps: PlanStep[]) {
  for (const step of steps) {
    if (!step.apply) continue;
    s.out.progress(`${step.action === "create" ? "Creating" : "Updating"} ${step.type} ${step.name}…`);
    await step.apply();
  }
}

export const planView = (steps: PlanStep[]) => steps.map(({ apply: _apply, ...step }) => step);

/** `stagecraft push`: files → sandboxes and suites by name; only what changed is saved, so a re-run changes nothing. */
export function registerPush(program: Command, session: () => Session) {
  program
    .command("push")
    .description("Create or update sandboxes and test suites from the files; prints the plan first")
    .option("--dry-run", "print the plan and change nothing")
    .action(async (options: { dryRun?: boolean }) => {
      const s = session();
      const project = await s.project();
      const steps = await planPush(s, project);
      const changes = steps.filter((step) => step.apply).length;
      if (!s.out.json) {
        printPlan(s, steps);
        s.out.line(changes ? `${changes} change(s)${options.dryRun ? " (dry run: nothing applied)" : ""}` : "Nothing to change");
      }
      if (!options.dryRun) await applyPlan(s, steps);
      s.out.result({ dry_run: Boolean(options.dryRun), changes, plan: planView(steps) });
    });
}
