import { hasScope, resolveEnvironment } from "../access/permissions";
import type { Deps, Principal } from "../context";
import { fail, ok, type Result } from "../lib/result";
import { compareLiveReleases, type DeploymentDrift } from "../releases/drift";
import type { EnvironmentRow } from "./repository";
import { listSecrets } from "./secret-repository";

/** The settings that make up an environment's promotion policy, as the API names them. */
const POLICY_FIELDS = ["protected", "required_approvals", "test_gate", "freeze_windows"] as const;
type PolicyField = (typeof POLICY_FIELDS)[number];

const policyOf = (env: EnvironmentRow): Record<PolicyField, unknown> => ({
  protected: env.protected,
  required_approvals: env.requiredApprovals,
  test_gate: env.testGate,
  freeze_windows: env.freezeWindows,
});

export interface EnvironmentComparison {
  from: { name: string };
  to: { name: string };
  deployments: DeploymentDrift[];
  /** Variables are plain settings every `read` key sees on the environment, so their values are shown. */
  variables: {
    only_in_from: { name: string; value: string }[];
    only_in_to: { name: string; value: string }[];
    different: { name: string; from: string; to: string }[];
  };
  /** Names only; null unless the key holds `admin` in both environments, as listing secrets needs. */
  secrets: { only_in_from: string[]; only_in_to: string[] } | null;
  policy: { field: PolicyField; from: unknown; to: unknown }[];
}

function compareVariables(from: Record<string, string>, to: Record<string, string>): EnvironmentComparison["variables"] {
  const names = (vars: Record<string, string>) => Object.keys(vars).sort();
  return {
    only_in_from: names(from)
      .filter((name) => !(name in to))
      .map((name) => ({ name, value: from[name]! })),
    only_in_to: names(to)
      .filter((name) => !(name in from))
      .map((name) => ({ name, value: to[name]! })),
    different: names(from)
      .filter((name) => name in to && from[name] !== to[name])
      .map((name) => ({ name, from: from[name]!, to: to[name]! })),
  };
}

async function compareSecretNames(deps: Pick<Deps, "db">, principal: Principal, from: EnvironmentRow, to: EnvironmentRow): Promise<EnvironmentComparison["secrets"]> {
  if (!hasScope(principal, "admin", from.id) || !hasScope(principal, "admin", to.id)) return null;
  const [a, b] = await Promise.all([listSecrets(deps.db, principal.workspaceId, from.id), listSecrets(deps.db, principal.workspaceId, to.id)]);
  const inA = new Set(a.map((s) => s.name));
  const inB = new Set(b.map((s) => s.name));
  return { only_in_from: [...inA].filter((name) => !inB.has(name)), only_in_to: [...inB].filter((name) => !inA.has(name)) };
}

/** One side of the comparison, which the key must be able to read; one it cannot see is not found, naming its query parameter. */
async function readable(deps: Pick<Deps, "db">, principal: Principal, name: string, side: "from" | "to"): Promise<Result<EnvironmentRow>> {
  const env = await resolveEnvironment(deps, principal, name, "read");
  if (!env.ok && env.error.code === "NOT_FOUND") return fail("NOT_FOUND", env.error.detail, [{ path: `query.${side}`, message: "Unknown environment" }]);
  return env;
}

/**
 * What differs between two environments the key can read: each deployment's
 * live release (see {@link compareLiveReleases}), variables, secret names
 * and promotion policy. Reads only.
 *
 * @example
 * const drift = await compareEnvironments(deps, principal, "staging", "production");
 * if (drift.ok) drift.value.deployments.filter((d) => d.status !== "same");
 */
export async function compareEnvironments(deps: Pick<Deps, "db">, principal: Principal, fromName: string, toName: string): Promise<Result<EnvironmentComparison>> {
  if (fromName === toName) {
    return fail("VALIDATION_FAILED", "Name two different environments", [{ path: "query.to", message: "Must differ from query.from" }]);
  }
  const from = await readable(deps, principal, fromName, "from");
  if (!from.ok) return from;
  const to = await readable(deps, principal, toName, "to");
  if (!to.ok) return to;
  const [deployments, secrets] = await Promise.all([
    compareLiveReleases(deps.db, principal.workspaceId, from.value, to.value),
    compareSecretNames(deps, principal, from.value, to.value),
  ]);
  const policyFrom = policyOf(from.value);
  const policyTo = policyOf(to.value);
  return ok({
    from: { name: from.value.name },
    to: { name: to.value.name },
    deployments,
    variables: compareVariables(from.value.variables, to.value.variables),
    secrets,
    policy: POLICY_FIELDS.filter((field) => JSON.stringify(policyFrom[field]) !== JSON.stringify(policyTo[field])).map((field) => ({
      field,
      from: policyFrom[field],
      to: policyTo[field],
    })),
  });
}
