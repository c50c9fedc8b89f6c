CREATE TABLE `rate_limit_points` (
	`key` text PRIMARY KEY NOT NULL,
	`points` integer DEFAULT 0 NOT NULL,
	`expire` integer
);
--> statement-breakpoint
DROP TABLE `rate_limits`;