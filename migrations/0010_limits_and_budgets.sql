ALTER TABLE `environments` ADD `rate_limit_per_minute` integer;--> statement-breakpoint
ALTER TABLE `environments` ADD `key_rate_limit_per_minute` integer;--> statement-breakpoint
ALTER TABLE `environments` ADD `daily_budget_usd` real;--> statement-breakpoint
CREATE TABLE `environment_daily_spend` (
	`environment_id` text NOT NULL,
	`day` text NOT NULL,
	`workspace_id` text NOT NULL,
	`spent_usd` real DEFAULT 0 NOT NULL,
	`warned_at` text,
	`exhausted_at` text,
	`exhausted_budget_usd` real,
	`updated_at` text NOT NULL,
	PRIMARY KEY(`environment_id`, `day`)
);
--> statement-breakpoint
CREATE INDEX `environment_daily_spend_workspace_day` ON `environment_daily_spend` (`workspace_id`,`day`);
