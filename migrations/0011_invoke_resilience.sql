ALTER TABLE `executions` ADD `attempts` integer;--> statement-breakpoint
ALTER TABLE `executions` ADD `fallback_index` integer;--> statement-breakpoint
ALTER TABLE `executions` ADD `edge_stale` integer DEFAULT false NOT NULL;
