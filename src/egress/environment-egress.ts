import type { Deps } from "../context";
import type { EnvironmentRow } from "../environments/repository";
import { listSecrets } from "../environments/secret-repository";
import { formatPath } from "../lib/field-path";
import { fail, type Result } from "../lib/result";
import { specEgressIssues } from "../specs/spec-egress";
import type { Spec } from "../specs/validate-spec";
import { egressPolicy } from "./policy";

/**
 * Refuses a spec that could not run in one of `environments`: a URL outside
 * its egress allowlist, or a secret sent to a host the secret is not bound
 * to. Checked when a spec is deployed into an environment, the first time
 * both are known; the invoke path checks again from KV when it runs.
 * Null when every environment takes it.
 */
export async function environmentEgressRefusal(
  deps: Pick<Deps, "db" | "config">,
  workspaceId: string,
  spec: Spec,
  environments: readonly EnvironmentRow[],
  root = "spec",
): Promise<Extract<Result<never>, { ok: false }> | null> {
  for (const env of environments) {
    const secrets = await listSecrets(deps.db, workspaceId, env.id);
    const bindings = Object.fromEntries(secrets.filter((s) => s.allowedHosts.length > 0).map((s) => [s.name, s.allowedHosts]));
    const issues = specEgressIssues(spec, egressPolicy(deps.config, { egress_allowlist: env.egressAllowlist }), bindings);
    if (issues.length) {
      const errors = issues.map((issue) => ({ path: formatPath(root, issue.path), message: `In ${env.name}: ${issue.message}` }));
      return fail("SPEC_INVALID", `The ${spec.kind} cannot run in ${env.name}: ${errors.map((e) => `${e.path}: ${e.message}`).join("; ")}`, errors);
    }
  }
  return null;
}
