ALTER TABLE `environments` ADD `test_gate` text;--> statement-breakpoint
ALTER TABLE `test_suites` ADD `deployment_id` text;--> statement-breakpoint
CREATE INDEX `test_suites_deployment` ON `test_suites` (`workspace_id`,`deployment_id`);--> statement-breakpoint
-- Hand-written: the environment-wide test gate becomes a per-deployment one.
-- An environment that required a suite keeps a gate, at its pass rate (1 when none was set).
UPDATE `environments` SET `test_gate` = json_object('min_pass_rate', coalesce(`min_pass_rate`, 1), 'untested', 'refuse') WHERE `required_test_suite_id` IS NOT NULL;--> statement-breakpoint
-- The suite it required now belongs to the deployment of the release it was last run on, so it keeps gating that deployment.
UPDATE `test_suites` SET `deployment_id` = (
	SELECT `releases`.`deployment_id` FROM `test_suite_runs`
	JOIN `releases` ON `releases`.`workspace_id` = `test_suite_runs`.`workspace_id` AND `releases`.`id` = `test_suite_runs`.`release_id`
	WHERE `test_suite_runs`.`workspace_id` = `test_suites`.`workspace_id` AND `test_suite_runs`.`test_suite_id` = `test_suites`.`id`
	ORDER BY `test_suite_runs`.`created_at` DESC, `test_suite_runs`.`id` DESC LIMIT 1
)
WHERE EXISTS (
	SELECT 1 FROM `environments` WHERE `environments`.`workspace_id` = `test_suites`.`workspace_id` AND `environments`.`required_test_suite_id` = `test_suites`.`id`
);--> statement-breakpoint
ALTER TABLE `environments` DROP COLUMN `required_test_suite_id`;--> statement-breakpoint
ALTER TABLE `environments` DROP COLUMN `min_pass_rate`;
