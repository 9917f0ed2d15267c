CREATE TABLE `rollouts` (
	`id` text PRIMARY KEY NOT NULL,
	`workspace_id` text NOT NULL,
	`deployment_id` text NOT NULL,
	`environment_id` text NOT NULL,
	`mode` text NOT NULL,
	`status` text NOT NULL,
	`stable_release_id` text NOT NULL,
	`candidate_release_id` text NOT NULL,
	`restored_release_id` text,
	`steps` text NOT NULL,
	`step_index` integer NOT NULL,
	`step_started_at` text NOT NULL,
	`percent` real NOT NULL,
	`salt` text NOT NULL,
	`sticky_by` text,
	`guard` text,
	`last_judgement` text,
	`end_reason` text,
	`created_at` text NOT NULL,
	`created_by` text NOT NULL,
	`updated_at` text NOT NULL,
	`ended_at` text,
	FOREIGN KEY (`workspace_id`) REFERENCES `workspaces`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`deployment_id`) REFERENCES `deployments`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`environment_id`) REFERENCES `environments`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`stable_release_id`) REFERENCES `releases`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`candidate_release_id`) REFERENCES `releases`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `rollouts_deployment` ON `rollouts` (`workspace_id`,`deployment_id`,`environment_id`,`created_at`);--> statement-breakpoint
CREATE UNIQUE INDEX `rollouts_one_active` ON `rollouts` (`workspace_id`,`deployment_id`,`environment_id`) WHERE status IN ('running', 'paused');--> statement-breakpoint
CREATE TABLE `scheduled_releases` (
	`id` text PRIMARY KEY NOT NULL,
	`workspace_id` text NOT NULL,
	`deployment_id` text NOT NULL,
	`environment_id` text NOT NULL,
	`kind` text NOT NULL,
	`release_id` text NOT NULL,
	`rollout_plan` text,
	`release_tags` text NOT NULL,
	`description` text NOT NULL,
	`scheduled_at` text NOT NULL,
	`status` text NOT NULL,
	`result` text,
	`created_at` text NOT NULL,
	`created_by` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`workspace_id`) REFERENCES `workspaces`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`deployment_id`) REFERENCES `deployments`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`environment_id`) REFERENCES `environments`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`release_id`) REFERENCES `releases`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `scheduled_releases_due` ON `scheduled_releases` (`workspace_id`,`deployment_id`,`status`,`scheduled_at`);--> statement-breakpoint
CREATE TABLE `shadow_executions` (
	`id` text PRIMARY KEY NOT NULL,
	`workspace_id` text NOT NULL,
	`environment_id` text NOT NULL,
	`deployment_id` text NOT NULL,
	`rollout_id` text NOT NULL,
	`release_id` text NOT NULL,
	`served_execution_id` text NOT NULL,
	`status` text NOT NULL,
	`error_code` text,
	`latency_ms` real NOT NULL,
	`input_tokens` integer,
	`output_tokens` integer,
	`cost_usd` real,
	`outputs` text,
	`same_output` integer NOT NULL,
	`similarity` real NOT NULL,
	`started_at` integer NOT NULL,
	`created_at` text NOT NULL,
	FOREIGN KEY (`workspace_id`) REFERENCES `workspaces`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `shadow_executions_rollout` ON `shadow_executions` (`rollout_id`,`started_at`);--> statement-breakpoint
ALTER TABLE `executions` ADD `rollout_id` text;--> statement-breakpoint
ALTER TABLE `executions` ADD `rollout_arm` text;--> statement-breakpoint
ALTER TABLE `executions` ADD `rollout_step` integer;--> statement-breakpoint
CREATE INDEX `executions_rollout_arm` ON `executions` (`rollout_id`,`rollout_arm`,`rollout_step`,`latency_ms`);--> statement-breakpoint
ALTER TABLE `promotion_requests` ADD `rollout_plan` text;