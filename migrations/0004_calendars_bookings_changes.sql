CREATE TABLE `bookings` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`calendar_id` integer DEFAULT 1 NOT NULL,
	`occurrence_id` integer NOT NULL,
	`name` text NOT NULL,
	`email` text NOT NULL,
	`email_key` text NOT NULL,
	`seats` integer DEFAULT 1 NOT NULL,
	`status` text NOT NULL,
	`waitlist_position` integer,
	`attendance` text,
	`cancel_reason` text,
	`manage_token_hash` text NOT NULL,
	`version` integer DEFAULT 1 NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`cancelled_at` integer,
	FOREIGN KEY (`occurrence_id`) REFERENCES `occurrences`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "bookings_status_ck" CHECK("bookings"."status" IN ('confirmed', 'waitlisted', 'cancelled')),
	CONSTRAINT "bookings_seats_ck" CHECK("bookings"."seats" BETWEEN 1 AND 10)
);
--> statement-breakpoint
CREATE UNIQUE INDEX `bookings_live_email_uq` ON `bookings` (`occurrence_id`,`email_key`) WHERE "bookings"."status" != 'cancelled';--> statement-breakpoint
CREATE INDEX `bookings_roster_idx` ON `bookings` (`occurrence_id`,`status`,`waitlist_position`,`id`);--> statement-breakpoint
CREATE INDEX `bookings_email_idx` ON `bookings` (`email_key`,`occurrence_id`);--> statement-breakpoint
CREATE TABLE `changes` (
	`seq` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`calendar_id` integer NOT NULL,
	`type` text NOT NULL,
	`resource_id` integer NOT NULL,
	`op` text NOT NULL,
	`event` text NOT NULL,
	`data` text,
	`at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `changes_calendar_seq_idx` ON `changes` (`calendar_id`,`seq`);--> statement-breakpoint
CREATE INDEX `changes_at_idx` ON `changes` (`at`);--> statement-breakpoint
CREATE TABLE `holds` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`calendar_id` integer DEFAULT 1 NOT NULL,
	`occurrence_id` integer NOT NULL,
	`seats` integer NOT NULL,
	`expires_at` integer NOT NULL,
	`ended_at` integer,
	`booking_id` integer,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`occurrence_id`) REFERENCES `occurrences`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `holds_occurrence_idx` ON `holds` (`occurrence_id`,`expires_at`);--> statement-breakpoint
CREATE INDEX `holds_live_expires_idx` ON `holds` (`expires_at`) WHERE "holds"."ended_at" IS NULL;--> statement-breakpoint
CREATE TABLE `webhook_attempts` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`delivery_id` text NOT NULL,
	`status` integer,
	`error` text,
	`response` text,
	`duration_ms` integer,
	`at` integer NOT NULL,
	FOREIGN KEY (`delivery_id`) REFERENCES `webhook_deliveries`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `webhook_attempts_delivery_idx` ON `webhook_attempts` (`delivery_id`,`id`);--> statement-breakpoint
CREATE TABLE `webhook_deliveries` (
	`id` text PRIMARY KEY NOT NULL,
	`webhook_id` integer NOT NULL,
	`change_seq` integer NOT NULL,
	`event` text NOT NULL,
	`status` text DEFAULT 'pending' NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`last_status` integer,
	`last_response` text,
	`last_attempt_at` integer,
	`next_attempt_at` integer,
	`created_at` integer NOT NULL,
	`delivered_at` integer,
	FOREIGN KEY (`webhook_id`) REFERENCES `webhooks`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `webhook_deliveries_webhook_idx` ON `webhook_deliveries` (`webhook_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `webhook_deliveries_unsent_idx` ON `webhook_deliveries` (`created_at`) WHERE "webhook_deliveries"."status" = 'pending';--> statement-breakpoint
CREATE TABLE `webhooks` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`url` text NOT NULL,
	`events` text NOT NULL,
	`calendar_ids` text,
	`secret` text NOT NULL,
	`previous_secret` text,
	`previous_expires_at` integer,
	`disabled_at` integer,
	`disabled_reason` text,
	`created_by` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`deleted_at` integer
);
--> statement-breakpoint
ALTER TABLE `api_keys` ADD `calendar_ids` text;--> statement-breakpoint
ALTER TABLE `calendars` ADD `timezone` text DEFAULT 'UTC' NOT NULL;--> statement-breakpoint
ALTER TABLE `feed_tokens` ADD `calendar_id` integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE `occurrences` ADD `calendar_id` integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE `occurrences` ADD `capacity` integer;--> statement-breakpoint
ALTER TABLE `occurrences` ADD `own_capacity` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `occurrences` ADD `booked` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `occurrences` ADD `held` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `occurrences` ADD `waitlisted` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
CREATE INDEX `occurrences_calendar_start_idx` ON `occurrences` (`calendar_id`,`start_at`);--> statement-breakpoint
CREATE INDEX `occurrences_calendar_long_start_idx` ON `occurrences` (`calendar_id`,`start_at`) WHERE "occurrences"."duration_minutes" > 120;--> statement-breakpoint
ALTER TABLE `patterns` ADD `calendar_id` integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE `patterns` ADD `capacity` integer;--> statement-breakpoint
ALTER TABLE `patterns` ADD `waitlist` integer DEFAULT true NOT NULL;--> statement-breakpoint
CREATE INDEX `patterns_calendar_idx` ON `patterns` (`calendar_id`,`id`);