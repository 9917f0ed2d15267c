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
ALTER TABLE `promotion_requests` ADD `blocked_reason` text;--> statement-breakpoint
/*
 * Rollups kept by triggers (written by hand; drizzle-kit does not manage
 * triggers, and rebuilding `executions` would drop them). They fire only for
 * rows really inserted, so a redelivered execution (INSERT ... ON CONFLICT DO
 * NOTHING) is never counted twice. The hour is `started_at - started_at % 3600000`;
 * a missing deployment or release is ''. Latency buckets: below 1000 ms the
 * latency rounded up to a whole millisecond; from 1000 ms on, rounded up to
 * three significant digits (src/lib/latency-buckets.ts mirrors this).
 * There is deliberately no DELETE trigger: retention deletes executions and
 * rollups by the same hour-aligned cutoff.
 */
CREATE TRIGGER `executions_rollup_after_insert` AFTER INSERT ON `executions`
BEGIN
	INSERT INTO `execution_rollups` (`workspace_id`, `environment_id`, `deployment_id`, `release_id`, `bucket_start`, `executions`, `errors`, `latency_ms_sum`, `input_tokens`, `output_tokens`, `cost_usd`, `quality_sum`, `quality_count`)
	VALUES (
		NEW.`workspace_id`, NEW.`environment_id`, coalesce(NEW.`deployment_id`, ''), coalesce(NEW.`release_id`, ''),
		NEW.`started_at` - NEW.`started_at` % 3600000,
		1, NEW.`status` = 'REJECTED', NEW.`latency_ms`,
		coalesce(NEW.`input_tokens`, 0), coalesce(NEW.`output_tokens`, 0), coalesce(NEW.`cost_usd`, 0),
		coalesce(NEW.`quality_score`, 0), NEW.`quality_score` IS NOT NULL
	)
	ON CONFLICT (`environment_id`, `deployment_id`, `release_id`, `bucket_start`) DO UPDATE SET
		`executions` = `executions` + 1,
		`errors` = `errors` + excluded.`errors`,
		`latency_ms_sum` = `latency_ms_sum` + excluded.`latency_ms_sum`,
		`input_tokens` = `input_tokens` + excluded.`input_tokens`,
		`output_tokens` = `output_tokens` + excluded.`output_tokens`,
		`cost_usd` = `cost_usd` + excluded.`cost_usd`,
		`quality_sum` = `quality_sum` + excluded.`quality_sum`,
		`quality_count` = `quality_count` + excluded.`quality_count`;
	INSERT INTO `latency_histogram` (`workspace_id`, `environment_id`, `deployment_id`, `release_id`, `bucket_start`, `latency_bucket`, `count`)
	VALUES (
		NEW.`workspace_id`, NEW.`environment_id`, coalesce(NEW.`deployment_id`, ''), coalesce(NEW.`release_id`, ''),
		NEW.`started_at` - NEW.`started_at` % 3600000,
		(
			CAST(NEW.`latency_ms` / (CASE WHEN NEW.`latency_ms` < 1000 THEN 1 WHEN NEW.`latency_ms` < 10000 THEN 10 WHEN NEW.`latency_ms` < 100000 THEN 100 WHEN NEW.`latency_ms` < 1000000 THEN 1000 WHEN NEW.`latency_ms` < 10000000 THEN 10000 ELSE 100000 END) AS INTEGER)
			+ (NEW.`latency_ms` / (CASE WHEN NEW.`latency_ms` < 1000 THEN 1 WHEN NEW.`latency_ms` < 10000 THEN 10 WHEN NEW.`latency_ms` < 100000 THEN 100 WHEN NEW.`latency_ms` < 1000000 THEN 1000 WHEN NEW.`latency_ms` < 10000000 THEN 10000 ELSE 100000 END)
				> CAST(NEW.`latency_ms` / (CASE WHEN NEW.`latency_ms` < 1000 THEN 1 WHEN NEW.`latency_ms` < 10000 THEN 10 WHEN NEW.`latency_ms` < 100000 THEN 100 WHEN NEW.`latency_ms` < 1000000 THEN 1000 WHEN NEW.`latency_ms` < 10000000 THEN 10000 ELSE 100000 END) AS INTEGER))
		) * (CASE WHEN NEW.`latency_ms` < 1000 THEN 1 WHEN NEW.`latency_ms` < 10000 THEN 10 WHEN NEW.`latency_ms` < 100000 THEN 100 WHEN NEW.`latency_ms` < 1000000 THEN 1000 WHEN NEW.`latency_ms` < 10000000 THEN 10000 ELSE 100000 END),
		1
	)
	ON CONFLICT (`environment_id`, `deployment_id`, `release_id`, `bucket_start`, `latency_bucket`) DO UPDATE SET `count` = `count` + 1;
END;
--> statement-breakpoint
/* Quality feedback arriving later (submit-completion-actuals) moves the score of its hour: the old one out, the new one in. */
CREATE TRIGGER `executions_rollup_after_quality_update` AFTER UPDATE OF `quality_score` ON `executions`
WHEN OLD.`quality_score` IS NOT NEW.`quality_score`
BEGIN
	UPDATE `execution_rollups` SET
		`quality_sum` = `quality_sum` - coalesce(OLD.`quality_score`, 0) + coalesce(NEW.`quality_score`, 0),
		`quality_count` = `quality_count` - (OLD.`quality_score` IS NOT NULL) + (NEW.`quality_score` IS NOT NULL)
	WHERE `environment_id` = OLD.`environment_id`
		AND `deployment_id` = coalesce(OLD.`deployment_id`, '')
		AND `release_id` = coalesce(OLD.`release_id`, '')
		AND `bucket_start` = OLD.`started_at` - OLD.`started_at` % 3600000;
END;
