import { and, asc, getTableColumns, gt, inArray, type SQL, sql } from "drizzle-orm";
import type { Db } from "../db/client";
import { type ChangeRow, changes, type OccurrenceRow, type PatternRow } from "../db/schema";
import { isoUtc } from "../recurrence";
import { patternJson } from "../wire/patterns";
import { occurrenceJson } from "../wire/sessions";
import { type ChangeType, tables } from "./record";

/** Changes are kept this long at least; an older cursor is 410. */
export const RETENTION_MS = 30 * 86_400_000;
/** The sweep keeps a day more than promised: a cursor 30 days old still finds every row after it. */
export const SWEEP_AFTER_MS = RETENTION_MS + 86_400_000;

export interface ChangeFilter {
	afterSeq: number;
	limit: number;
	/** The key's calendars (null: every calendar) and the ?calendar_id= asked for. */
	calendarIds: readonly number[] | null;
	calendarId?: number;
}

/** One page: a primary-key (or calendar-first index) range scan that reads limit + 1 rows. */
export function listChanges(db: Db, filter: ChangeFilter): Promise<ChangeRow[]> {
	const conditions: (SQL | undefined)[] = [gt(changes.seq, filter.afterSeq)];
	if (filter.calendarIds !== null)
		conditions.push(inArray(changes.calendarId, [...filter.calendarIds]));
	if (filter.calendarId !== undefined)
		conditions.push(sql`${changes.calendarId} = ${filter.calendarId}`);
	return db
		.select()
		.from(changes)
		.where(and(...conditions))
		.orderBy(asc(changes.seq))
		.limit(filter.limit);
}

/** Deletes changes past retention: a range scan of changes_at_idx. */
export async function sweepOldChanges(db: Db, now: number): Promise<number> {
	const result = await db.delete(changes).where(sql`${changes.at} < ${now - SWEEP_AFTER_MS}`);
	return result.meta.changes;
}

/** Shapes a snapshot (column names to values) as the resource's GET does. */
const serializers: Partial<Record<ChangeType, (row: never) => unknown>> = {
	pattern: (row: PatternRow) => patternJson(row),
	occurrence: (row: OccurrenceRow) => occurrenceJson(row),
};

/** A snapshot's columns back into the table's row (camelCase keys, booleans as booleans). */
function restore(type: ChangeType, snapshot: Record<string, unknown>) {
	const row: Record<string, unknown> = {};
	for (const [key, column] of Object.entries(getTableColumns(tables[type]))) {
		if (!(column.name in snapshot)) continue;
		const value = snapshot[column.name];
		row[key] = column.columnType === "SQLiteBoolean" && value !== null ? Boolean(value) : value;
	}
	return row;
}

/** The resource as a GET shows it (null once deleted); types without a serializer show their columns. */
export function changeData(row: Pick<ChangeRow, "type" | "data">): unknown {
	if (row.data === null) return null;
	const snapshot = JSON.parse(row.data) as Record<string, unknown>;
	const serialize = serializers[row.type];
	return serialize ? serialize(restore(row.type, snapshot) as never) : snapshot;
}

export function changeJson(row: ChangeRow) {
	return {
		seq: row.seq,
		type: row.type,
		id: row.resourceId,
		op: row.op,
		event: row.event,
		calendar_id: row.calendarId,
		at: isoUtc(row.at),
		data: changeData(row),
	};
}
