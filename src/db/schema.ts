import { sql } from "drizzle-orm";
import {
	check,
	index,
	integer,
	primaryKey,
	sqliteTable,
	text,
	uniqueIndex,
} from "drizzle-orm/sqlite-core";

/**
 * Instants are UTC epoch milliseconds (integers): they compare and index cheaply, and the API
 * formats them as ISO 8601. Calendar dates and wall-clock times stay text, as the contract has them.
 */

export const patterns = sqliteTable(
	"patterns",
	{
		id: integer("id").primaryKey({ autoIncrement: true }),
		title: text("title").notNull(),
		description: text("description").notNull().default(""),
		frequency: text("frequency", { enum: ["weekly"] })
			.notNull()
			.default("weekly"),
		/** JSON array of weekdays, 0 = Monday … 6 = Sunday, sorted. */
		weekdays: text("weekdays", { mode: "json" }).$type<number[]>().notNull(),
		interval: integer("interval").notNull().default(1),
		count: integer("count"),
		/** Local wall-clock "HH:MM:SS" in `timezone`. */
		time: text("time").notNull(),
		timezone: text("timezone").notNull().default("UTC"),
		durationMinutes: integer("duration_minutes").notNull().default(60),
		startDate: text("start_date").notNull(),
		endDate: text("end_date"),
		isActive: integer("is_active", { mode: "boolean" }).notNull().default(true),
		/** The calendar it belongs to (1: the default calendar every old client uses). */
		calendarId: integer("calendar_id").notNull().default(1),
		/** Seats per session; null = unlimited. Reaches future sessions without a capacity of their own. */
		capacity: integer("capacity"),
		/** When full, new bookings wait in line (true) or are refused with 409 full (false). */
		waitlist: integer("waitlist", { mode: "boolean" }).notNull().default(true),
		/** Every slot starting before this instant exists as an occurrence row (or was deliberately removed). */
		materializedUntil: integer("materialized_until").notNull().default(0),
		/** First slot at or after materialized_until; null once the series has ended. Drives the cron. */
		nextSlotAt: integer("next_slot_at"),
		/** Bumped on every change: the ETag and the iCalendar SEQUENCE. */
		version: integer("version").notNull().default(1),
		createdAt: integer("created_at").notNull(),
		updatedAt: integer("updated_at").notNull(),
		/** Soft delete: the pattern 404s, its history keeps pointing at it. */
		deletedAt: integer("deleted_at"),
	},
	(table) => [
		// The cron asks "which live patterns have a slot due before the horizon?": an index range
		// scan that reads nothing when nothing is due.
		index("patterns_due_idx")
			.on(table.nextSlotAt)
			.where(sql`${table.isActive} = 1 AND ${table.deletedAt} IS NULL`),
		index("patterns_calendar_idx").on(table.calendarId, table.id),
	],
);

export const occurrenceStatuses = ["scheduled", "cancelled", "completed"] as const;
export type OccurrenceStatus = (typeof occurrenceStatuses)[number];

export const occurrences = sqliteTable(
	"occurrences",
	{
		id: integer("id").primaryKey({ autoIncrement: true }),
		patternId: integer("pattern_id").references(() => patterns.id),
		title: text("title").notNull(),
		description: text("description").notNull().default(""),
		startAt: integer("start_at").notNull(),
		endAt: integer("end_at").notNull(),
		/** The slot the pattern generated this row for; never changes. Null for one-time sessions. */
		originalStartAt: integer("original_start_at"),
		durationMinutes: integer("duration_minutes").notNull(),
		status: text("status", { enum: occurrenceStatuses }).notNull().default("scheduled"),
		isException: integer("is_exception", { mode: "boolean" }).notNull().default(false),
		timezone: text("timezone").notNull().default("UTC"),
		version: integer("version").notNull().default(1),
		createdAt: integer("created_at").notNull(),
		updatedAt: integer("updated_at").notNull(),
		/** Its pattern's calendar, or the one a one-time session was created in. */
		calendarId: integer("calendar_id").notNull().default(1),
		/** Effective seats; null = unlimited. Copied from the pattern unless ownCapacity. */
		capacity: integer("capacity"),
		/** True once the session was given a capacity of its own: pattern changes no longer reach it. */
		ownCapacity: integer("own_capacity", { mode: "boolean" }).notNull().default(false),
		/** Seats of confirmed bookings, kept in the same batch as every booking write. */
		booked: integer("booked").notNull().default(0),
		/** Seats under holds not yet released or converted (expired ones are swept). */
		held: integer("held").notNull().default(0),
		/** Seats of waitlisted bookings. */
		waitlisted: integer("waitlisted").notNull().default(0),
	},
	(table) => [
		// A slot is generated once, ever: materialization inserts with ON CONFLICT DO NOTHING.
		// One-time sessions have NULLs here, which SQLite never treats as equal.
		uniqueIndex("occurrences_slot_uq").on(table.patternId, table.originalStartAt),
		index("occurrences_start_idx").on(table.startAt),
		// Range queries look back 24 h only for sessions longer than 2 h (src/occurrences/overlap.ts);
		// SQLite uses a partial index only when the query repeats its WHERE term, so keep both in step.
		index("occurrences_long_start_idx")
			.on(table.startAt)
			.where(sql`${table.durationMinutes} > 120`),
		index("occurrences_pattern_start_idx").on(table.patternId, table.startAt),
		// Range queries of a key scoped to some calendars: calendar first, so a small calendar's page
		// never steps over a large one's rows. The long-session lead-in has its own, as above.
		index("occurrences_calendar_start_idx").on(table.calendarId, table.startAt),
		index("occurrences_calendar_long_start_idx")
			.on(table.calendarId, table.startAt)
			.where(sql`${table.durationMinutes} > 120`),
		check("occurrences_status_ck", sql`${table.status} IN ('scheduled', 'cancelled', 'completed')`),
		check("occurrences_duration_ck", sql`${table.durationMinutes} BETWEEN 1 AND 1440`),
		check("occurrences_span_ck", sql`${table.endAt} > ${table.startAt}`),
	],
);

export const apiKeyScopes = ["read", "write", "admin"] as const;
export type ApiKeyScope = (typeof apiKeyScopes)[number];

export const apiKeys = sqliteTable("api_keys", {
	id: integer("id").primaryKey({ autoIncrement: true }),
	name: text("name").notNull(),
	/** The first characters of the key, shown in listings so people can tell keys apart. */
	prefix: text("prefix").notNull(),
	/** SHA-256 of the whole key, hex. The key itself is never stored. */
	hash: text("hash").notNull().unique(),
	scopes: text("scopes", { mode: "json" }).$type<ApiKeyScope[]>().notNull(),
	createdAt: integer("created_at").notNull(),
	revokedAt: integer("revoked_at"),
	/** Epoch ms after which the key is refused; null = never expires. */
	expiresAt: integer("expires_at"),
	/** Last authenticated use, kept coarse (rewritten at most once an hour) so reads stay reads. */
	lastUsedAt: integer("last_used_at"),
	/** Who minted it: "root" or "key:<id>"; null for keys made before this was recorded. */
	createdBy: text("created_by"),
	/** JSON array of the calendars it may see; null = every calendar. */
	calendarIds: text("calendar_ids", { mode: "json" }).$type<number[] | null>(),
});

/**
 * A calendar's version: bumped in the batch of every write that changes what its feeds show, so a
 * feed revalidation (If-None-Match) is answered from this one row. Calendars (many per deployment)
 * grow from this table; the migration seeds the default calendar, id 1.
 */
export const calendars = sqliteTable("calendars", {
	id: integer("id").primaryKey({ autoIncrement: true }),
	name: text("name").notNull(),
	/** The default zone of its new patterns and sessions. */
	timezone: text("timezone").notNull().default("UTC"),
	version: integer("version").notNull().default(1),
	createdAt: integer("created_at").notNull(),
	updatedAt: integer("updated_at").notNull(),
});

/**
 * Feed tokens: read-only secrets that open the iCalendar feeds and nothing else, for calendar apps
 * that can only be given a URL. Revocable on their own; a pattern id limits one to that series.
 */
export const feedTokens = sqliteTable("feed_tokens", {
	id: integer("id").primaryKey({ autoIncrement: true }),
	name: text("name").notNull(),
	prefix: text("prefix").notNull(),
	/** SHA-256 of the whole token, hex. */
	hash: text("hash").notNull().unique(),
	/** Null: every feed; otherwise only this series' feed. */
	patternId: integer("pattern_id").references(() => patterns.id),
	/** The calendar whose feeds it opens. */
	calendarId: integer("calendar_id").notNull().default(1),
	createdAt: integer("created_at").notNull(),
	createdBy: text("created_by"),
	revokedAt: integer("revoked_at"),
});

/**
 * Admin console sessions, held server-side so signing out or revoking the key ends them at once.
 * The cookie carries the session's random id (signed with SESSION_SECRET); only its hash is kept.
 */
export const adminSessions = sqliteTable(
	"admin_sessions",
	{
		/** SHA-256 of the session id, hex. */
		hash: text("hash").primaryKey(),
		/** The API key signed in with; null for the root token. */
		keyId: integer("key_id").references(() => apiKeys.id),
		/** Per-session CSRF token, echoed by every form. */
		csrf: text("csrf").notNull(),
		createdAt: integer("created_at").notNull(),
		expiresAt: integer("expires_at").notNull(),
	},
	(table) => [
		index("admin_sessions_key_idx").on(table.keyId),
		index("admin_sessions_expires_idx").on(table.expiresAt),
	],
);

export const idempotencyKeys = sqliteTable(
	"idempotency_keys",
	{
		/** Whose key: an API key id, "root", or "anonymous". Keys are scoped per principal. */
		principal: text("principal").notNull(),
		key: text("key").notNull(),
		/** SHA-256 of method, path and body: a retry must send the same request. */
		requestHash: text("request_hash").notNull(),
		/** pending: claimed; committed: its write is in (same batch); done: response stored. */
		state: text("state", { enum: ["pending", "committed", "done"] }).notNull(),
		responseStatus: integer("response_status"),
		responseBody: text("response_body"),
		createdAt: integer("created_at").notNull(),
		expiresAt: integer("expires_at").notNull(),
	},
	(table) => [
		primaryKey({ columns: [table.principal, table.key] }),
		index("idempotency_expires_idx").on(table.expiresAt),
	],
);

export const bookingStatuses = ["confirmed", "waitlisted", "cancelled"] as const;
export type BookingStatus = (typeof bookingStatuses)[number];
export const attendanceValues = ["present", "no_show"] as const;

/**
 * Bookings of a session's seats. Counts on the session row (booked, waitlisted) change in the same
 * batch as every booking write; the conditional SQL in that batch decides confirmed vs waitlisted.
 */
export const bookings = sqliteTable(
	"bookings",
	{
		id: integer("id").primaryKey({ autoIncrement: true }),
		calendarId: integer("calendar_id").notNull().default(1),
		occurrenceId: integer("occurrence_id")
			.notNull()
			.references(() => occurrences.id),
		name: text("name").notNull(),
		email: text("email").notNull(),
		/** lower(email): one live booking per address per session, and one person's bookings. */
		emailKey: text("email_key").notNull(),
		seats: integer("seats").notNull().default(1),
		status: text("status", { enum: bookingStatuses }).notNull(),
		/** 1… while waitlisted (line order), else null. */
		waitlistPosition: integer("waitlist_position"),
		attendance: text("attendance", { enum: attendanceValues }),
		cancelReason: text("cancel_reason"),
		/** SHA-256 of the attendee's manage token, hex. */
		manageTokenHash: text("manage_token_hash").notNull(),
		version: integer("version").notNull().default(1),
		createdAt: integer("created_at").notNull(),
		updatedAt: integer("updated_at").notNull(),
		cancelledAt: integer("cancelled_at"),
	},
	(table) => [
		uniqueIndex("bookings_live_email_uq")
			.on(table.occurrenceId, table.emailKey)
			.where(sql`${table.status} != 'cancelled'`),
		// The roster: confirmed, then waitlisted in line order.
		index("bookings_roster_idx").on(
			table.occurrenceId,
			table.status,
			table.waitlistPosition,
			table.id,
		),
		index("bookings_email_idx").on(table.emailKey, table.occurrenceId),
		// The bookings a write touched (updated_at = its now), for its change rows: a seek, however
		// long the session's line is.
		index("bookings_touched_idx").on(table.occurrenceId, table.updatedAt),
		check("bookings_status_ck", sql`${table.status} IN ('confirmed', 'waitlisted', 'cancelled')`),
		check("bookings_seats_ck", sql`${table.seats} BETWEEN 1 AND 10`),
	],
);

/** Seats set aside for a while (a checkout in progress): they count against capacity until expires_at. */
export const holds = sqliteTable(
	"holds",
	{
		id: integer("id").primaryKey({ autoIncrement: true }),
		calendarId: integer("calendar_id").notNull().default(1),
		occurrenceId: integer("occurrence_id")
			.notNull()
			.references(() => occurrences.id),
		seats: integer("seats").notNull(),
		expiresAt: integer("expires_at").notNull(),
		/** Set when released, converted into a booking, or swept after expiry: no longer counted. */
		endedAt: integer("ended_at"),
		bookingId: integer("booking_id"),
		createdAt: integer("created_at").notNull(),
	},
	(table) => [
		index("holds_occurrence_idx").on(table.occurrenceId, table.expiresAt),
		index("holds_live_expires_idx").on(table.expiresAt).where(sql`${table.endedAt} IS NULL`),
	],
);

/**
 * The change feed: one row per resource a write touched, appended in the write's own batch.
 * seq is the cursor; rows older than the retention are swept by the cron.
 */
export const changes = sqliteTable(
	"changes",
	{
		seq: integer("seq").primaryKey({ autoIncrement: true }),
		calendarId: integer("calendar_id").notNull(),
		type: text("type", { enum: ["pattern", "occurrence", "booking", "calendar"] }).notNull(),
		resourceId: integer("resource_id").notNull(),
		op: text("op", { enum: ["created", "updated", "deleted"] }).notNull(),
		/** The webhook event it stands for (e.g. booking.promoted, occurrence.cancelled). */
		event: text("event").notNull(),
		/** The resource as a GET shows it (JSON), null for deleted. */
		data: text("data"),
		at: integer("at").notNull(),
	},
	(table) => [
		index("changes_calendar_seq_idx").on(table.calendarId, table.seq),
		index("changes_at_idx").on(table.at),
	],
);

/** Webhook endpoints. The secret must be readable to sign, so it is sealed with WEBHOOK_SECRETS_KEY. */
export const webhooks = sqliteTable("webhooks", {
	id: integer("id").primaryKey({ autoIncrement: true }),
	url: text("url").notNull(),
	/** JSON array of event names, or ["*"]. */
	events: text("events", { mode: "json" }).$type<string[]>().notNull(),
	/** JSON array of calendar ids; null = every calendar. */
	calendarIds: text("calendar_ids", { mode: "json" }).$type<number[] | null>(),
	secret: text("secret").notNull(),
	/** The secret before the last rotation, still signing alongside until previous_expires_at. */
	previousSecret: text("previous_secret"),
	previousExpiresAt: integer("previous_expires_at"),
	/** null while active; set when disabled (by a 410 answer or by hand). */
	disabledAt: integer("disabled_at"),
	disabledReason: text("disabled_reason"),
	createdBy: text("created_by"),
	createdAt: integer("created_at").notNull(),
	updatedAt: integer("updated_at").notNull(),
	deletedAt: integer("deleted_at"),
});

/**
 * The outbox: one row per (change, webhook) written in the write's batch; sent to the queue after
 * commit, re-sent by the cron sweep while unsent. Its id is the delivery's webhook-id, kept on retries.
 */
export const webhookDeliveries = sqliteTable(
	"webhook_deliveries",
	{
		id: text("id").primaryKey(),
		webhookId: integer("webhook_id")
			.notNull()
			.references(() => webhooks.id),
		changeSeq: integer("change_seq").notNull(),
		event: text("event").notNull(),
		/** pending (not yet on the queue), queued, delivered, failed (retrying), dead. */
		status: text("status").notNull().default("pending"),
		attempts: integer("attempts").notNull().default(0),
		lastStatus: integer("last_status"),
		/** The receiver's answer, its first 1 KB only. */
		lastResponse: text("last_response"),
		lastAttemptAt: integer("last_attempt_at"),
		nextAttemptAt: integer("next_attempt_at"),
		createdAt: integer("created_at").notNull(),
		deliveredAt: integer("delivered_at"),
	},
	(table) => [
		index("webhook_deliveries_webhook_idx").on(table.webhookId, table.createdAt),
		index("webhook_deliveries_unsent_idx")
			.on(table.createdAt)
			.where(sql`${table.status} = 'pending'`),
	],
);

/** Each attempt of a delivery: status, time, and the first 1 KB of the answer. */
export const webhookAttempts = sqliteTable(
	"webhook_attempts",
	{
		id: integer("id").primaryKey({ autoIncrement: true }),
		deliveryId: text("delivery_id")
			.notNull()
			.references(() => webhookDeliveries.id),
		status: integer("status"),
		error: text("error"),
		response: text("response"),
		durationMs: integer("duration_ms"),
		at: integer("at").notNull(),
	},
	(table) => [index("webhook_attempts_delivery_idx").on(table.deliveryId, table.id)],
);

export type PatternRow = typeof patterns.$inferSelect;
export type OccurrenceRow = typeof occurrences.$inferSelect;
export type ApiKeyRow = typeof apiKeys.$inferSelect;
export type FeedTokenRow = typeof feedTokens.$inferSelect;
export type AdminSessionRow = typeof adminSessions.$inferSelect;
export type CalendarRow = typeof calendars.$inferSelect;
export type BookingRow = typeof bookings.$inferSelect;
export type HoldRow = typeof holds.$inferSelect;
export type ChangeRow = typeof changes.$inferSelect;
export type WebhookRow = typeof webhooks.$inferSelect;
export type WebhookDeliveryRow = typeof webhookDeliveries.$inferSelect;
