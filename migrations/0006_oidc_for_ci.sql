CREATE TABLE `oidc_trust_policies` (
	`id` text PRIMARY KEY NOT NULL,
	`workspace_id` text NOT NULL,
	`name` text NOT NULL,
	`issuer` text NOT NULL,
	`audience` text NOT NULL,
	`conditions` text NOT NULL,
	`environment_id` text,
	`scopes` text NOT NULL,
	`key_ttl_seconds` integer NOT NULL,
	`created_at` text NOT NULL,
	`created_by` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`workspace_id`) REFERENCES `workspaces`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `oidc_trust_policies_issuer_audience` ON `oidc_trust_policies` (`issuer`,`audience`);--> statement-breakpoint
CREATE INDEX `oidc_trust_policies_workspace` ON `oidc_trust_policies` (`workspace_id`,`id`);--> statement-breakpoint
CREATE TABLE `oidc_used_tokens` (
	`issuer` text NOT NULL,
	`jti` text NOT NULL,
	`workspace_id` text NOT NULL,
	`key_id` text NOT NULL,
	`expires_at` text NOT NULL,
	`used_at` text NOT NULL,
	PRIMARY KEY(`issuer`, `jti`),
	FOREIGN KEY (`workspace_id`) REFERENCES `workspaces`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `oidc_used_tokens_workspace_expiry` ON `oidc_used_tokens` (`workspace_id`,`expires_at`);--> statement-breakpoint
ALTER TABLE `api_keys` ADD `identity` text;--> statement-breakpoint
ALTER TABLE `audit_events` ADD `actor_identity` text;