import { authorize } from "../access/permissions";
import { actorOf, commitWithAudit } from "../audit/audit-log";
import type { Deps, Principal } from "../context";
import { publishEnvironment } from "../edge/environment-sync";
import { fail, ok, type Result } from "../lib/result";
import { openSecretBox, secretBinding } from "../lib/secret-box";
import { findEnvironmentByName } from "./repository";
import { deleteSecret, type EnvironmentSecretRow, findSecret, listSecrets, upsertSecret } from "./secret-repository";

/**
 * Environment secrets (provider credentials and the like) are write-only:
 * set, listed by name, deleted; their values never leave the server again.
 * A secret may be bound to hosts (`allowed_hosts`): it is then sent nowhere
 * else (see egress/secret-hosts.ts). Without a binding it may go to any host
 * the egress rules allow, as secrets always could.
 */

export function secretView(row: EnvironmentSecretRow) {
  return { name: row.name, allowed_hosts: row.allowedHosts, created_at: row.createdAt, updated_at: row.updatedAt, updated_by: row.updatedBy };
}
export type SecretView = ReturnType<typeof secretView>;

async function adminEnvironment(deps: Deps, principal: Principal, name: string) {
  return authorize(principal, await findEnvironmentByName(deps.db, principal.workspaceId, name), "admin", `No environment named "${name}"`, (env) => env.id);
}

/**
 * Sets a secret's value and, when `allowedHosts` is given, its binding
 * (`[]` removes it). Left out, the binding stays as it was, so rotating a
 * credential cannot unbind it by accident.
 */
export async function setSecret(deps: Deps, principal: Principal, environmentName: string, name: string, value: string, allowedHosts?: string[]): Promise<Result<SecretView>> {
  const env = await adminEnvironment(deps, principal, environmentName);
  if (!env.ok) return env;
  const existing = await findSecret(deps.db, principal.workspaceId, env.value.id, name);
  const now = deps.now().toISOString();
  const box = await openSecretBox(deps.config.masterKey);
  const row: EnvironmentSecretRow = {
    workspaceId: principal.workspaceId,
    environmentId: env.value.id,
    name,
    ciphertext: await box.seal(value, secretBinding(env.value.id, name)),
    allowedHosts: allowedHosts ? [...new Set(allowedHosts.map((h) => h.toLowerCase()))] : (existing?.allowedHosts ?? []),
    createdAt: existing?.createdAt ?? now,
    updatedAt: now,
    updatedBy: principal.keyId,
  };
  await commitWithAudit(deps, principal.workspaceId, [upsertSecret(deps.db, row)], {
    actor: actorOf(principal),
    action: existing ? "secret.updated" : "secret.created",
    targetType: "secret",
    targetId: `${env.value.id}/${name}`,
    environmentId: env.value.id,
    before: existing ? secretView(existing) : null,
    after: secretView(row),
  });
  await publishEnvironment(deps, principal.workspaceId, env.value.id);
  return ok(secretView(row));
}

export async function listSecretNames(deps: Deps, principal: Principal, environmentName: string): Promise<Result<{ data: SecretView[] }>> {
  const env = await adminEnvironment(deps, principal, environmentName);
  if (!env.ok) return env;
  return ok({ data: (await listSecrets(deps.db, principal.workspaceId, env.value.id)).map(secretView) });
}

export async function removeSecret(deps: Deps, principal: Principal, environmentName: string, name: string): Promise<Result<SecretView>> {
  const env = await adminEnvironment(deps, principal, environmentName);
  if (!env.ok) return env;
  const existing = await findSecret(deps.db, principal.workspaceId, env.value.id, name);
  if (!existing) return fail("NOT_FOUND", `No secret named "${name}" in ${environmentName}`);
  await commitWithAudit(deps, principal.workspaceId, [deleteSecret(deps.db, principal.workspaceId, env.value.id, name)], {
    actor: actorOf(principal),
    action: "secret.deleted",
    targetType: "secret",
    targetId: `${env.value.id}/${name}`,
    environmentId: env.value.id,
    before: secretView(existing),
    after: null,
  });
  await publishEnvironment(deps, principal.workspaceId, env.value.id);
  return ok(secretView(existing));
}
