CREATE TABLE `api_keys` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`prefix` text NOT NULL,
	`hash` text NOT NULL,
	`scopes` text NOT NULL,
	`created_at` integer NOT NULL,
	`revoked_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `api_keys_hash_unique` ON `api_keys` (`hash`);--> statement-breakpoint
CREATE TABLE `idempotency_keys` (
	`principal` text NOT NULL,
	`key` text NOT NULL,
	`request_hash` text NOT NULL,
	`state` text NOT NULL,
	`response_status` integer,
	`response_body` text,
	`created_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	PRIMARY KEY(`principal`, `key`)
);
--> statement-breakpoint
CREATE INDEX `idempotency_expires_idx` ON `idempotency_keys` (`expires_at`);--> statement-breakpoint
CREATE TABLE `occurrences` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`pattern_id` integer,
	`title` text NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`start_at` integer NOT NULL,
	`end_at` integer NOT NULL,
	`original_start_at` integer,
	`duration_minutes` integer NOT NULL,
	`status` text DEFAULT 'scheduled' NOT NULL,
	`is_exception` integer DEFAULT false NOT NULL,
	`timezone` text DEFAULT 'UTC' NOT NULL,
	`version` integer DEFAULT 1 NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`pattern_id`) REFERENCES `patterns`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "occurrences_status_ck" CHECK("occurrences"."status" IN ('scheduled', 'cancelled', 'completed')),
	CONSTRAINT "occurrences_duration_ck" CHECK("occurrences"."duration_minutes" BETWEEN 1 AND 1440),
	CONSTRAINT "occurrences_span_ck" CHECK("occurrences"."end_at" > "occurrences"."start_at")
);
--> statement-breakpoint
CREATE UNIQUE INDEX `occurrences_slot_uq` ON `occurrences` (`pattern_id`,`original_start_at`);--> statement-breakpoint
CREATE INDEX `occurrences_start_idx` ON `occurrences` (`start_at`);--> statement-breakpoint
CREATE INDEX `occurrences_pattern_start_idx` ON `occurrences` (`pattern_id`,`start_at`);--> statement-breakpoint
CREATE TABLE `patterns` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`title` text NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`frequency` text DEFAULT 'weekly' NOT NULL,
	`weekdays` text NOT NULL,
	`interval` integer DEFAULT 1 NOT NULL,
	`count` integer,
	`time` text NOT NULL,
	`timezone` text DEFAULT 'UTC' NOT NULL,
	`duration_minutes` integer DEFAULT 60 NOT NULL,
	`start_date` text NOT NULL,
	`end_date` text,
	`is_active` integer DEFAULT true NOT NULL,
	`materialized_until` integer DEFAULT 0 NOT NULL,
	`next_slot_at` integer,
	`version` integer DEFAULT 1 NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`deleted_at` integer
);
--> statement-breakpoint
CREATE INDEX `patterns_due_idx` ON `patterns` (`next_slot_at`) WHERE "patterns"."is_active" = 1 AND "patterns"."deleted_at" IS NULL;