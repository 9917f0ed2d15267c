import type { Command } from "commander";
import { must } from "../api-client";
import { maskInCi } from "../oidc";
import type { Session } from "../session";
import { splitList } from "./deploy";

const SCOPES = ["execute", "read", "deploy", "promote", "approve", "admin"] as const;
type Scope = (typeof SCOPES)[number];

/** `stagecraft keys list | create | rotate | revoke`: API keys; a new key is printed once. */
export function registerKeys(program: Command, session: () => Session) {
  const keys = program.command("keys").description("Manage API keys (needs admin)");
  keys
    .command("list")
    .description("List the keys this key may manage")
    .action(async () => {
      const s = session();
      const client = await s.client();
      const { data } = await must(client.GET("/v1/api-keys", { params: { query: { limit: 100 } } }), "Listing keys");
      s.out.result(data, () =>
        s.out.table(
          ["ID", "NAME", "ENVIRONMENT", "SCOPES", "PREFIX", "REVOKED"],
          data.data.map((k) => [k.id, k.name, k.environment ?? "(workspace)", k.scopes.join(","), k.display_prefix, k.revoked_at ?? ""]),
        ),
      );
    });
  keys
    .command("create")
    .description("Create a key; its secret is shown once")
    .requiredOption("--name <name>", "what the key is for")
    .requiredOption("--scopes <scopes>", `comma-separated: ${SCOPES.join(", ")}`, splitList)
    .option("--env <environment>", "bind it to one environment (default: a workspace key)")
    .option("--expires-at <time>", "an ISO 8601 time after which it stops working")
    .action(async (options: { name: string; scopes: string[]; env?: string; expiresAt?: string }) => {
      const s = session();
      const client = await s.client();
      const { data } = await must(
        client.POST("/v1/api-keys", { body: { name: options.name, scopes: options.scopes as Scope[], environment: options.env ?? null, expires_at: options.expiresAt ?? null } }),
        "Creating a key",
      );
      maskInCi(data.key);
      s.out.result(data, () => {
        s.out.line(`${data.id} (${data.environment ?? "workspace"}: ${data.scopes.join(",")})`);
        s.out.line(data.key);
      });
    });
  keys
    .command("rotate")
    .description("Issue a replacement key; the old one works for the grace period")
    .argument("<id>", "the key's id (key_…)")
    .option("--grace-period <seconds>", "how long the old key keeps working (default 86400; 0 stops it at once)", (v: string) => Number.parseInt(v, 10))
    .action(async (id: string, options: { gracePeriod?: number }) => {
      const s = session();
      const client = await s.client();
      const body = options.gracePeriod === undefined ? {} : { grace_period_seconds: options.gracePeriod };
      const { data } = await must(client.POST("/v1/api-keys/{id}/rotate", { params: { path: { id } }, body }), `Rotating ${id}`);
      maskInCi(data.key);
      s.out.result(data, () => {
        s.out.line(`${data.id} replaces ${data.previous_key.id} (which stops at ${data.previous_key.expires_at ?? "once revoked"})`);
        s.out.line(data.key);
      });
    });
  keys
    .command("revoke")
    .description("Revoke a key at once")
    .argument("<id>", "the key's id (key_…)")
    .action(async (id: string) => {
      const s = session();
      const client = await s.client();
      const { data } = await must(client.DELETE("/v1/api-keys/{id}", { params: { path: { id } } }), `Revoking ${id}`);
      s.out.result(data, () => s.out.line(`${data.id} revoked at ${data.revoked_at}`));
    });
}
