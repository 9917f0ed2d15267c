import type { ModelPrice } from "../db/schema";

/** What running a prompt or a workflow reads of the environment it runs in. */
export interface RuntimeEnvironment {
  id: string;
  /** Plain variables, visible to workflow templates as `env`. */
  variables: Record<string, string>;
  /** Price overrides by `provider/model`. */
  model_prices: Record<string, ModelPrice>;
  /** Secret name → sealed value, opened only when a provider or an `api` node asks for it. */
  secrets: Record<string, string>;
  /** Hosts (and `*.example.com` patterns) user-configured URLs may call; empty or absent: any public host. */
  egress_allowlist?: string[];
  /** Secret name → the hosts it may be sent to; a secret not named here may go to any host. */
  secret_hosts?: Record<string, string[]>;
}
