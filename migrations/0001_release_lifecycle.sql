-- Deployments and releases gain their full shape. No release could exist before
-- this migration, so the two tables are recreated rather than altered.
DROP TABLE `releases`;--> statement-breakpoint
DROP TABLE `deployments`;--> statement-breakpoint
CREATE TABLE `deployments` (
	`id` text PRIMARY KEY NOT NULL,
	`workspace_id` text NOT NULL,
	`name` text NOT NULL,
	`kind` text NOT NULL,
	`sandbox_id` text NOT NULL,
	`created_at` text NOT NULL,
	`created_by` text NOT NULL,
	FOREIGN KEY (`workspace_id`) REFERENCES `workspaces`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `deployments_workspace_name` ON `deployments` (`workspace_id`,`name`);--> statement-breakpoint
CREATE UNIQUE INDEX `deployments_sandbox` ON `deployments` (`sandbox_id`);--> statement-breakpoint
CREATE TABLE `releases` (
	`id` text PRIMARY KEY NOT NULL,
	`workspace_id` text NOT NULL,
	`deployment_id` text NOT NULL,
	`environment_id` text NOT NULL,
	`version` integer NOT NULL,
	`spec` text NOT NULL,
	`content_hash` text NOT NULL,
	`source_type` text NOT NULL,
	`source_sandbox_revision` integer,
	`source_release_id` text,
	`description` text NOT NULL,
	`created_at` text NOT NULL,
	`created_by` text NOT NULL,
	FOREIGN KEY (`workspace_id`) REFERENCES `workspaces`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`deployment_id`) REFERENCES `deployments`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`environment_id`) REFERENCES `environments`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `releases_deployment_environment_version` ON `releases` (`deployment_id`,`environment_id`,`version`);--> statement-breakpoint
CREATE INDEX `releases_workspace_environment` ON `releases` (`workspace_id`,`environment_id`);--> statement-breakpoint
CREATE TABLE `idempotency_records` (
	`workspace_id` text NOT NULL,
	`idempotency_key` text NOT NULL,
	`fingerprint` text NOT NULL,
	`status` integer,
	`body` text,
	`created_at` text NOT NULL,
	PRIMARY KEY(`workspace_id`, `idempotency_key`),
	FOREIGN KEY (`workspace_id`) REFERENCES `workspaces`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `promotion_requests` (
	`id` text PRIMARY KEY NOT NULL,
	`workspace_id` text NOT NULL,
	`deployment_id` text NOT NULL,
	`release_id` text NOT NULL,
	`environment_id` text NOT NULL,
	`status` text NOT NULL,
	`required_approvals` integer NOT NULL,
	`approvals` text NOT NULL,
	`release_tags` text NOT NULL,
	`description` text NOT NULL,
	`requested_by` text NOT NULL,
	`result_release_id` text,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`expires_at` text NOT NULL,
	FOREIGN KEY (`workspace_id`) REFERENCES `workspaces`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`deployment_id`) REFERENCES `deployments`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`release_id`) REFERENCES `releases`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`environment_id`) REFERENCES `environments`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `promotion_requests_workspace_environment` ON `promotion_requests` (`workspace_id`,`environment_id`,`status`);--> statement-breakpoint
CREATE TABLE `release_tags` (
	`workspace_id` text NOT NULL,
	`deployment_id` text NOT NULL,
	`environment_id` text NOT NULL,
	`name` text NOT NULL,
	`release_id` text NOT NULL,
	`kind` text NOT NULL,
	`updated_at` text NOT NULL,
	`updated_by` text NOT NULL,
	PRIMARY KEY(`deployment_id`, `environment_id`, `name`),
	FOREIGN KEY (`workspace_id`) REFERENCES `workspaces`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`deployment_id`) REFERENCES `deployments`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`environment_id`) REFERENCES `environments`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`release_id`) REFERENCES `releases`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `release_tags_release` ON `release_tags` (`release_id`);--> statement-breakpoint
CREATE TABLE `sandbox_revisions` (
	`workspace_id` text NOT NULL,
	`sandbox_id` text NOT NULL,
	`revision` integer NOT NULL,
	`name` text NOT NULL,
	`spec` text NOT NULL,
	`scenarios` text NOT NULL,
	`content_hash` text NOT NULL,
	`created_at` text NOT NULL,
	`created_by` text NOT NULL,
	PRIMARY KEY(`sandbox_id`, `revision`),
	FOREIGN KEY (`workspace_id`) REFERENCES `workspaces`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`sandbox_id`) REFERENCES `sandboxes`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `sandboxes` (
	`id` text PRIMARY KEY NOT NULL,
	`workspace_id` text NOT NULL,
	`name` text NOT NULL,
	`kind` text NOT NULL,
	`revision` integer NOT NULL,
	`spec` text NOT NULL,
	`scenarios` text NOT NULL,
	`deployment_id` text NOT NULL,
	`created_at` text NOT NULL,
	`created_by` text NOT NULL,
	`updated_at` text NOT NULL,
	`updated_by` text NOT NULL,
	FOREIGN KEY (`workspace_id`) REFERENCES `workspaces`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `sandboxes_workspace_name` ON `sandboxes` (`workspace_id`,`name`);--> statement-breakpoint
CREATE UNIQUE INDEX `sandboxes_deployment` ON `sandboxes` (`deployment_id`);--> statement-breakpoint
