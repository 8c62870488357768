// The change feed's rows, written by the statements below inside each write's own D1 batch (no
// triggers: they break remote D1 migrations). A change row snapshots the resource as the batch
// left it (its columns as JSON); GET /api/changes shapes it as the resource's GET would. Each
// change statement is followed by its outbox statement: one webhook delivery per matching endpoint.
import { getTableColumns, type SQL, sql } from "drizzle-orm";
import type { SQLiteTable } from "drizzle-orm/sqlite-core";
import type { Db } from "../db/client";
import { idempotent } from "../db/retry";
import {
	bookings,
	calendars,
	changes,
	occurrences,
	patterns,
	webhookDeliveries,
} from "../db/schema";

export const changeTypes = ["pattern", "occurrence", "booking", "calendar"] as const;
export type ChangeType = (typeof changeTypes)[number];
export type ChangeOp = "created" | "updated" | "deleted";

export const tables: Record<ChangeType, SQLiteTable> = {
	pattern: patterns,
	occurrence: occurrences,
	booking: bookings,
	calendar: calendars,
};

/** json_object of every column of `table` aliased `t`; JSON-mode text columns stay JSON. */
function snapshotOf(table: SQLiteTable): SQL {
	// Hashes of secrets (a booking's manage token) never leave the table.
	const columns = Object.values(getTableColumns(table)).filter((c) => !c.name.endsWith("_hash"));
	const pairs = columns.map((column) => {
		const ref = sql.raw(`t."${column.name}"`);
		const value = (column as { mode?: string }).mode === "json" ? sql`json(${ref})` : ref;
		return sql`${sql.raw(`'${column.name}'`)}, ${value}`;
	});
	return sql`json_object(${sql.join(pairs, sql`, `)})`;
}

/** Which rows of the type's table a change statement reports. */
export type ChangeSelection =
	/** The rows the statement right before this one inserted (ids are consecutive in one INSERT). */
	| { inserted: true }
	/** Rows matching a WHERE on the table aliased `t` (before a delete: the rows about to go). */
	| { where: SQL };

export interface ChangeSpec {
	type: ChangeType;
	op: ChangeOp;
	/** The webhook event, e.g. occurrence.cancelled; an SQL expression may depend on the row. */
	event: string | SQL;
	rows: ChangeSelection;
	now: number;
}

// last_insert_rowid() moves with every row an INSERT writes, so the previous statement's range is
// read once, into a MATERIALIZED CTE, before this statement inserts anything.
const previousInsert = sql.raw(
	"WITH r AS MATERIALIZED (SELECT last_insert_rowid() AS hi, changes() AS n) ",
);

/**
 * The change rows for one write, as two statements for its batch: the changes, then the outbox
 * rows for the webhooks subscribed to them. Both go right after the write they report (with
 * `inserted`, nothing may come between); with `where` and op deleted, right before the delete.
 */
export function changeRows(db: Db, spec: ChangeSpec) {
	const table = tables[spec.type];
	const calendarId = spec.type === "calendar" ? sql.raw("t.id") : sql.raw("t.calendar_id");
	const data = spec.op === "deleted" ? sql`NULL` : snapshotOf(table);
	const event = typeof spec.event === "string" ? sql`${spec.event}` : spec.event;
	const inserted = "inserted" in spec.rows;
	const where =
		"where" in spec.rows ? spec.rows.where : sql.raw("t.id > r.hi - r.n AND t.id <= r.hi");
	// insert().select() names every column in declared order: seq, calendar_id, type, resource_id,
	// op, event, data, at.
	const change = db.insert(changes).select(sql`${inserted ? previousInsert : sql``}
		SELECT NULL, ${calendarId}, ${spec.type}, t.id, ${spec.op}, ${event}, ${data}, ${spec.now}
		FROM ${table} AS t${inserted ? sql.raw(", r") : sql``}
		WHERE ${where}`);
	return [change, outboxRows(db, spec.now)] as const;
}

/**
 * One webhook delivery (the outbox row; its id is the webhook-id of every attempt) per change the
 * previous statement inserted and per live endpoint subscribed to its event and calendar.
 */
export function outboxRows(db: Db, now: number) {
	// Columns in declared order: id, webhook_id, change_seq, event, status, attempts, last_status,
	// last_response, last_attempt_at, next_attempt_at, created_at, delivered_at.
	return db.insert(webhookDeliveries).select(sql`${previousInsert}
		SELECT 'msg_' || lower(hex(randomblob(16))), w.id, c.seq, c.event, 'pending', 0,
			NULL, NULL, NULL, NULL, ${now}, NULL
		FROM r
		JOIN changes AS c ON c.seq > r.hi - r.n AND c.seq <= r.hi
		JOIN webhooks AS w ON w.deleted_at IS NULL AND w.disabled_at IS NULL
			AND EXISTS (SELECT 1 FROM json_each(w.events) AS e WHERE e.value IN ('*', c.event))
			AND (w.calendar_ids IS NULL
				OR EXISTS (SELECT 1 FROM json_each(w.calendar_ids) AS k WHERE k.value = c.calendar_id))`);
}

/** The event of an occurrence row as it now stands: cancelled and completed have their own. */
export const occurrenceEvent = sql.raw(
	"CASE t.status WHEN 'cancelled' THEN 'occurrence.cancelled' WHEN 'completed' THEN 'occurrence.completed' ELSE 'occurrence.updated' END",
);

/**
 * Marks change statements that report `inserted` rows as safe to retry: a repeated idempotent
 * INSERT inserts nothing the second time, so its change statement then reports nothing either.
 */
export function retriable<T extends { toSQL(): { sql: string } }>(statements: readonly T[]) {
	for (const statement of statements) idempotent(statement);
	return statements;
}
