CREATE TABLE `execution_rollups` (
	`workspace_id` text NOT NULL,
	`environment_id` text NOT NULL,
	`deployment_id` text NOT NULL,
	`release_id` text NOT NULL,
	`bucket_start` integer NOT NULL,
	`executions` integer DEFAULT 0 NOT NULL,
	`errors` integer DEFAULT 0 NOT NULL,
	`latency_ms_sum` real DEFAULT 0 NOT NULL,
	`input_tokens` integer DEFAULT 0 NOT NULL,
	`output_tokens` integer DEFAULT 0 NOT NULL,
	`cost_usd` real DEFAULT 0 NOT NULL,
	`quality_sum` real DEFAULT 0 NOT NULL,
	`quality_count` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`environment_id`, `deployment_id`, `release_id`, `bucket_start`)
);
--> statement-breakpoint
CREATE INDEX `execution_rollups_workspace_environment_time` ON `execution_rollups` (`workspace_id`,`environment_id`,`bucket_start`);--> statement-breakpoint
CREATE TABLE `latency_histogram` (
	`workspace_id` text NOT NULL,
	`environment_id` text NOT NULL,
	`deployment_id` text NOT NULL,
	`release_id` text NOT NULL,
	`bucket_start` integer NOT NULL,
	`latency_bucket` real NOT NULL,
	`count` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`environment_id`, `deployment_id`, `release_id`, `bucket_start`, `latency_bucket`)
);
--> statement-breakpoint
CREATE INDEX `latency_histogram_workspace_environment_time` ON `latency_histogram` (`workspace_id`,`environment_id`,`bucket_start`);--> statement-breakpoint
CREATE TABLE `test_suite_runs` (
	`id` text PRIMARY KEY NOT NULL,
	`workspace_id` text NOT NULL,
	`test_suite_id` text NOT NULL,
	`test_suite_revision` integer NOT NULL,
	`release_id` text,
	`environment_id` text,
	`sandbox_id` text,
	`sandbox_revision` integer,
	`content_hash` text NOT NULL,
	`status` text NOT NULL,
	`total_cases` integer NOT NULL,
	`passed_cases` integer NOT NULL,
	`pass_rate` real,
	`results` text NOT NULL,
	`error` text,
	`created_at` text NOT NULL,
	`created_by` text NOT NULL,
	`completed_at` text,
	FOREIGN KEY (`workspace_id`) REFERENCES `workspaces`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`test_suite_id`) REFERENCES `test_suites`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `test_suite_runs_suite` ON `test_suite_runs` (`workspace_id`,`test_suite_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `test_suite_runs_release` ON `test_suite_runs` (`workspace_id`,`release_id`,`test_suite_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `test_suites` (
	`id` text PRIMARY KEY NOT NULL,
	`workspace_id` text NOT NULL,
	`name` text NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`revision` integer NOT NULL,
	`cases` text NOT NULL,
	`created_at` text NOT NULL,
	`created_by` text NOT NULL,
	`updated_at` text NOT NULL,
	`updated_by` text NOT NULL,
	FOREIGN KEY (`workspace_id`) REFERENCES `workspaces`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `test_suites_workspace_name` ON `test_suites` (`workspace_id`,`name`);--> statement-breakpoint
CREATE TABLE `webhook_deliveries` (
	`id` text PRIMARY KEY NOT NULL,
	`workspace_id` text NOT NULL,
	`webhook_id` text NOT NULL,
	`event_id` text NOT NULL,
	`event_type` text NOT NULL,
	`payload` text NOT NULL,
	`status` text NOT NULL,
	`attempts` text NOT NULL,
	`next_attempt_at` text,
	`created_at` text NOT NULL,
	`delivered_at` text,
	FOREIGN KEY (`workspace_id`) REFERENCES `workspaces`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`webhook_id`) REFERENCES `webhooks`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `webhook_deliveries_webhook_event` ON `webhook_deliveries` (`webhook_id`,`event_id`);--> statement-breakpoint
CREATE INDEX `webhook_deliveries_webhook_time` ON `webhook_deliveries` (`workspace_id`,`webhook_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `webhooks` (
	`id` text PRIMARY KEY NOT NULL,
	`workspace_id` text NOT NULL,
	`environment_id` text NOT NULL,
	`url` text NOT NULL,
	`events` text NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`secret_ciphertext` text NOT NULL,
	`active` integer DEFAULT true NOT NULL,
	`created_at` text NOT NULL,
	`created_by` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`workspace_id`) REFERENCES `workspaces`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`environment_id`) REFERENCES `environments`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `webhooks_workspace_environment` ON `webhooks` (`workspace_id`,`environment_id`);--> statement-breakpoint
ALTER TABLE `environments` ADD `retention_days` integer DEFAULT 90;--> statement-breakpoint
ALTER TABLE `environments` ADD `required_test_suite_id` text;--> statement-breakpoint
ALTER TABLE `environments` ADD `min_pass_rate` real;--> statement-breakpoint
ALTER TABLE `environments` ADD `freeze_windows` text DEFAULT '[]' NOT NULL;--> statement-breakpoint
ALTER TABLE `promotion_requests` ADD `blocked_reason` text;