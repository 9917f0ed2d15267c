ALTER TABLE `environments` ADD `egress_allowlist` text DEFAULT '[]' NOT NULL;--> statement-breakpoint
ALTER TABLE `environment_secrets` ADD `allowed_hosts` text DEFAULT '[]' NOT NULL;
