CREATE TABLE `environment_secrets` (
	`workspace_id` text NOT NULL,
	`environment_id` text NOT NULL,
	`name` text NOT NULL,
	`ciphertext` text NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`updated_by` text NOT NULL,
	PRIMARY KEY(`environment_id`, `name`),
	FOREIGN KEY (`workspace_id`) REFERENCES `workspaces`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`environment_id`) REFERENCES `environments`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `executions` (
	`id` text PRIMARY KEY NOT NULL,
	`workspace_id` text NOT NULL,
	`environment_id` text NOT NULL,
	`deployment_id` text,
	`release_id` text,
	`release_tag` text,
	`kind` text NOT NULL,
	`status` text NOT NULL,
	`error_code` text,
	`error_message` text,
	`model_provider` text,
	`model_name` text,
	`input_tokens` integer,
	`output_tokens` integer,
	`cost_usd` real,
	`latency_ms` real NOT NULL,
	`external_id` text,
	`metadata` text,
	`inputs` text,
	`outputs` text,
	`nodes` text,
	`quality_score` real,
	`actual_text` text,
	`actual_metadata` text,
	`actual_at` text,
	`started_at` integer NOT NULL,
	`created_at` text NOT NULL,
	FOREIGN KEY (`workspace_id`) REFERENCES `workspaces`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `executions_environment_time` ON `executions` (`workspace_id`,`environment_id`,`started_at`);--> statement-breakpoint
CREATE INDEX `executions_deployment_time` ON `executions` (`workspace_id`,`environment_id`,`deployment_id`,`started_at`);--> statement-breakpoint
CREATE INDEX `executions_external_id` ON `executions` (`workspace_id`,`environment_id`,`external_id`);--> statement-breakpoint
ALTER TABLE `environments` ADD `model_prices` text DEFAULT '{}' NOT NULL;