import { setTimeout as sleep } from "node:timers/promises";
import type { Command } from "commander";
import { liveRelease, must, type Schemas } from "../api-client";
import { CliError, ExitCode } from "../exit-codes";
import type { Session } from "../session";
import { splitList, tagsOf } from "./deploy";

type PromotionRequest = Schemas["PromotionRequest"];
const CLOSED = new Set(["executed", "rejected", "expired"]);

/** Polls each pending request until it closes or `timeoutMs` passes. */
async function waitFor(s: Session, requests: PromotionRequest[], timeoutMs: number, intervalMs: number): Promise<PromotionRequest[]> {
  const client = await s.client();
  const deadline = Date.now() + timeoutMs;
  let current = requests;
  while (current.some((r) => !CLOSED.has(r.status)) && Date.now() < deadline) {
    s.out.progress(
      `Waiting for approval of ${current
        .filter((r) => !CLOSED.has(r.status))
        .map((r) => `${r.id} (${r.environment}: ${r.status}${r.blocked_reason ? `, ${r.blocked_reason}` : ""})`)
        .join(", ")}…`,
    );
    await sleep(Math.min(intervalMs, Math.max(0, deadline - Date.now())));
    current = await Promise.all(
      current.map(async (r) => (CLOSED.has(r.status) ? r : (await must(client.GET("/v1/promotion-requests/{id}", { params: { path: { id: r.id } } }), `Reading ${r.id}`)).data)),
    );
  }
  return current;
}

/**
 * `stagecraft promote <deployment> --from staging --to production`: promotes
 * what --from serves. Exit 3 when a gate refuses, 4 while it waits for
 * approvals (with --wait, until approved, rejected, expired or --timeout).
 */
export function registerPromote(program: Command, session: () => Session) {
  program
    .command("promote")
    .description("Promote the release an environment serves into others (exit 3 refused by a gate, 4 waiting for approval)")
    .argument("<deployment>", "the deployment's name")
    .requiredOption("--from <environment>", "the environment whose live release is promoted")
    .requiredOption("--to <environments>", "comma-separated target environments", splitList)
    .option("--tag <tags>", "release tags to add in the targets, comma-separated", splitList)
    .option("--description <text>", "the new releases' description")
    .option("--wait", "wait for pending approvals")
    .option("--timeout <seconds>", "how long --wait waits (default 600)", Number.parseFloat, 600)
    .option("--interval <seconds>", "how often --wait asks (default 5)", Number.parseFloat, 5)
    .action(async (deployment: string, options: { from: string; to: string[]; tag?: string[]; description?: string; wait?: boolean; timeout: number; interval: number }) => {
      const s = session();
      const client = await s.client();
      const source = await liveRelease(client, deployment, options.from);
      if (!source) throw new CliError(`${deployment} has no release in ${options.from}`, ExitCode.error);
      s.out.progress(`Promoting ${deployment} v${source.version} (${source.id}) from ${options.from} to ${options.to.join(", ")}…`);
      const { data } = await must(
        client.POST("/v1/releases/{id}/promote", {
          params: { path: { id: source.id } },
          body: { environments: options.to, release_tags: options.tag, description: options.description },
        }),
        `Promoting ${deployment}`,
      );
      const released = data.results.flatMap((r) => ("release" in r ? [r.release] : []));
      let requests = data.results.flatMap((r) => ("promotion_request" in r ? [r.promotion_request] : []));
      if (requests.length && options.wait) requests = await waitFor(s, requests, options.timeout * 1000, options.interval * 1000);
      s.out.result({ source, released, promotion_requests: requests }, () => {
        if (released.length)
          s.out.table(
            ["ENVIRONMENT", "VERSION", "TAGS", "RELEASE"],
            released.map((r) => [r.environment, String(r.version), tagsOf(r), r.id]),
          );
        if (requests.length)
          s.out.table(
            ["ENVIRONMENT", "PROMOTION REQUEST", "STATUS", "APPROVALS", "RESULT"],
            requests.map((r) => [r.environment, r.id, r.status, `${r.approvals.length}/${r.required_approvals}`, r.result_release_id ?? r.blocked_reason ?? ""]),
          );
      });
      if (requests.some((r) => r.status === "rejected" || r.status === "expired")) process.exitCode = ExitCode.error;
      else if (requests.some((r) => r.status !== "executed")) process.exitCode = ExitCode.pendingApproval;
    });
}
