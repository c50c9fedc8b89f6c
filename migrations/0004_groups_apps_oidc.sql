CREATE TABLE `apps` (
	`name` text PRIMARY KEY NOT NULL,
	`client_id` text,
	`client_secret_hash` text,
	`public` integer NOT NULL,
	`pkce` integer NOT NULL,
	`id_token_alg` text NOT NULL,
	`redirect_uris` text NOT NULL,
	`post_logout_redirect_uris` text NOT NULL,
	`domains` text NOT NULL,
	`groups` text NOT NULL,
	`allow_pin` integer NOT NULL,
	`require_mfa` integer NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `apps_client_id_unique` ON `apps` (`client_id`);--> statement-breakpoint
CREATE TABLE `groups` (
	`name` text PRIMARY KEY NOT NULL,
	`description` text,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `oidc_payloads` (
	`id` text NOT NULL,
	`kind` text NOT NULL,
	`payload` text NOT NULL,
	`grant_id` text,
	`user_code` text,
	`uid` text,
	`account_id` text,
	`expires_at` integer,
	`consumed_at` integer,
	PRIMARY KEY(`kind`, `id`)
);
--> statement-breakpoint
CREATE INDEX `oidc_payloads_grant_idx` ON `oidc_payloads` (`grant_id`);--> statement-breakpoint
CREATE INDEX `oidc_payloads_uid_idx` ON `oidc_payloads` (`uid`);--> statement-breakpoint
CREATE INDEX `oidc_payloads_account_idx` ON `oidc_payloads` (`account_id`);--> statement-breakpoint
CREATE INDEX `oidc_payloads_expiry_idx` ON `oidc_payloads` (`expires_at`);--> statement-breakpoint
CREATE TABLE `user_groups` (
	`user_id` text NOT NULL,
	`group_name` text NOT NULL,
	PRIMARY KEY(`user_id`, `group_name`),
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`group_name`) REFERENCES `groups`(`name`) ON UPDATE no action ON DELETE restrict
);
--> statement-breakpoint
CREATE INDEX `user_groups_group_idx` ON `user_groups` (`group_name`);--> statement-breakpoint
ALTER TABLE `users` ADD `email` text;--> statement-breakpoint
ALTER TABLE `users` ADD `email_verified` integer DEFAULT false NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX `users_email_unique` ON `users` (`email`);