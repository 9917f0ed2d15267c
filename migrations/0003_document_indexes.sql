CREATE TABLE `document_chunks` (
	`id` text PRIMARY KEY NOT NULL,
	`workspace_id` text NOT NULL,
	`index_id` text NOT NULL,
	`document_id` text NOT NULL,
	`position` integer NOT NULL,
	`text` text NOT NULL,
	FOREIGN KEY (`workspace_id`) REFERENCES `workspaces`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`index_id`) REFERENCES `document_indexes`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`document_id`) REFERENCES `documents`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `document_chunks_document` ON `document_chunks` (`document_id`);--> statement-breakpoint
CREATE TABLE `document_indexes` (
	`id` text PRIMARY KEY NOT NULL,
	`workspace_id` text NOT NULL,
	`environment_id` text NOT NULL,
	`name` text NOT NULL,
	`created_at` text NOT NULL,
	`created_by` text NOT NULL,
	FOREIGN KEY (`workspace_id`) REFERENCES `workspaces`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`environment_id`) REFERENCES `environments`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `document_indexes_environment_name` ON `document_indexes` (`workspace_id`,`environment_id`,`name`);--> statement-breakpoint
CREATE TABLE `documents` (
	`id` text PRIMARY KEY NOT NULL,
	`workspace_id` text NOT NULL,
	`environment_id` text NOT NULL,
	`index_id` text NOT NULL,
	`external_id` text,
	`title` text NOT NULL,
	`text` text NOT NULL,
	`metadata` text NOT NULL,
	`created_at` text NOT NULL,
	FOREIGN KEY (`workspace_id`) REFERENCES `workspaces`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`environment_id`) REFERENCES `environments`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`index_id`) REFERENCES `document_indexes`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `documents_index_external_id` ON `documents` (`index_id`,`external_id`);--> statement-breakpoint
CREATE INDEX `documents_index` ON `documents` (`index_id`);--> statement-breakpoint
-- Full-text search over passages, ranked by BM25. Rows are written and deleted
-- together with document_chunks, in the same batch.
CREATE VIRTUAL TABLE `document_chunks_fts` USING fts5(`text`, `title`, `chunk_id` UNINDEXED, `index_id` UNINDEXED, tokenize = 'unicode61 remove_diacritics 2');
