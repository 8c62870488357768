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
});

/**
 * A calendar's version: bumped in the batch of every write that changes what its feeds show, so a
 * feed revalidation (If-None-Match) is answered from this one row. Calendars (many per deployment)
 * grow from this table; the migration seeds the default calendar, id 1.
 */
export const calendars = sqliteTable("calendars", {
	id: integer("id").primaryKey({ autoIncrement: true }),
	name: text("name").notNull(),
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

export type PatternRow = typeof patterns.$inferSelect;
export type OccurrenceRow = typeof occurrences.$inferSelect;
export type ApiKeyRow = typeof apiKeys.$inferSelect;
export type FeedTokenRow = typeof feedTokens.$inferSelect;
export type AdminSessionRow = typeof adminSessions.$inferSelect;
