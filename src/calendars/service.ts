// Calendars: the studios, rooms or teachers one deployment serves. Every query takes the caller's
// CalendarScope and carries it in its WHERE clause (src/db/calendar-scope.ts).
import { and, asc, eq, gt, isNull, type SQL, sql } from "drizzle-orm";
import { changeRows } from "../changes/record";
import { type CalendarScope, canSee, visibleCalendars } from "../db/calendar-scope";
import type { Db } from "../db/client";
import { type CalendarRow, calendars, feedTokens, occurrences, patterns } from "../db/schema";
import { ApiError, notFound } from "../http/problem";
import { isoUtc } from "../recurrence";
import { DEFAULT_CALENDAR_ID } from "./version";

const visible = (scope: CalendarScope) => visibleCalendars(calendars.id, scope);

/** Only a key that sees every calendar creates calendars: a scoped key could not see its own. */
export async function createCalendar(
	db: Db,
	input: { name: string; timezone: string },
	scope: CalendarScope,
	now: number,
): Promise<CalendarRow> {
	if (scope.calendarIds !== null) {
		throw new ApiError(
			"forbidden",
			"A key scoped to some calendars cannot create calendars; use a key that sees all of them.",
		);
	}
	const [[row]] = await db.batch([
		db
			.insert(calendars)
			.values({ name: input.name, timezone: input.timezone, createdAt: now, updatedAt: now })
			.returning(),
		...changeRows(db, {
			type: "calendar",
			op: "created",
			event: "calendar.created",
			rows: { inserted: true },
			now,
		}),
	]);
	if (!row) throw new Error("calendar insert returned no row");
	return row;
}

export async function findCalendar(db: Db, id: number, scope: CalendarScope): Promise<CalendarRow> {
	const [row] = await db
		.select()
		.from(calendars)
		.where(and(eq(calendars.id, id), visible(scope)))
		.limit(1);
	if (!row) throw notFound("Calendar", id);
	return row;
}

/** Visible calendars in id order, `limit` of them after `afterId` (keyset pagination). */
export function listCalendars(
	db: Db,
	scope: CalendarScope,
	page: { afterId?: number; limit: number },
): Promise<CalendarRow[]> {
	return db
		.select()
		.from(calendars)
		.where(and(gt(calendars.id, page.afterId ?? 0), visible(scope)))
		.orderBy(asc(calendars.id))
		.limit(page.limit);
}

/** Renames a calendar or changes its default zone; its feeds show the name, so the version moves. */
export async function updateCalendar(
	db: Db,
	id: number,
	changes: { name?: string; timezone?: string },
	scope: CalendarScope,
	now: number,
): Promise<CalendarRow> {
	const [[row]] = await db.batch([
		db
			.update(calendars)
			.set({ ...changes, version: sql`${calendars.version} + 1`, updatedAt: now })
			.where(and(eq(calendars.id, id), visible(scope)))
			.returning(),
		...changeRows(db, {
			type: "calendar",
			op: "updated",
			event: "calendar.updated",
			rows: { where: sql`t.id = ${id} AND changes() > 0` },
			now,
		}),
	]);
	if (!row) throw notFound("Calendar", id);
	return row;
}

const holdsNothing = (
	id: number,
) => sql`NOT EXISTS (SELECT 1 FROM ${patterns} WHERE ${patterns.calendarId} = ${id})
	AND NOT EXISTS (SELECT 1 FROM ${occurrences} WHERE ${occurrences.calendarId} = ${id})`;

/**
 * Deletes an empty calendar (no pattern and no session, deleted patterns' history included) and,
 * in the same batch, revokes its feed tokens. The default calendar stays: old clients use it.
 */
export async function deleteCalendar(db: Db, id: number, scope: CalendarScope, now: number) {
	if (id === DEFAULT_CALENDAR_ID && canSee(scope, id)) {
		throw new ApiError("conflict", "The default calendar (1) cannot be deleted.");
	}
	if (!canSee(scope, id)) throw notFound("Calendar", id);
	const [, , [row]] = await db.batch([
		// The change goes before the delete (its row is read there), on the delete's own condition.
		...changeRows(db, {
			type: "calendar",
			op: "deleted",
			event: "calendar.deleted",
			rows: { where: sql`t.id = ${id} AND ${holdsNothing(id)}` },
			now,
		}),
		db
			.delete(calendars)
			.where(and(eq(calendars.id, id), visible(scope), holdsNothing(id)))
			.returning(),
		db
			.update(feedTokens)
			.set({ revokedAt: now })
			.where(and(eq(feedTokens.calendarId, id), isNull(feedTokens.revokedAt), sql`changes() > 0`)),
	]);
	if (row) return row;
	await findCalendar(db, id, scope);
	throw new ApiError(
		"conflict",
		`Calendar ${id} is not empty: delete or move its patterns and sessions first.`,
	);
}

/**
 * The calendar a create writes into, and the zone its new rows default to. Omitted, it is the
 * default calendar when the key sees it, else the key's first calendar. A calendar the key cannot
 * see is 404, exactly as one that does not exist. Reads the calendar only when it must: when the
 * zone is not given, or a calendar other than the default is named (the default always exists).
 */
export async function calendarForCreate(
	db: Db,
	asked: number | undefined,
	timezone: string | undefined,
	scope: CalendarScope,
): Promise<{ id: number; timezone: string }> {
	const id = createdCalendarId(asked, scope);
	if (timezone !== undefined && id === DEFAULT_CALENDAR_ID) return { id, timezone };
	const calendar = await findCalendar(db, id, scope);
	return { id, timezone: timezone ?? calendar.timezone };
}

/**
 * calendarForCreate for a write that needs the zone only in SQL (a one-time session stores it,
 * nothing is computed from it): in the default calendar, an omitted zone is read by the insert
 * itself, so an old client's create stays one round trip.
 */
export async function calendarForInsert(
	db: Db,
	asked: number | undefined,
	timezone: string | undefined,
	scope: CalendarScope,
): Promise<{ id: number; timezone: string | SQL }> {
	const id = createdCalendarId(asked, scope);
	if (id !== DEFAULT_CALENDAR_ID) return calendarForCreate(db, id, timezone, scope);
	return {
		id,
		timezone:
			timezone ??
			sql`(SELECT ${calendars.timezone} FROM ${calendars} WHERE ${calendars.id} = ${id})`,
	};
}

/** The calendar a create names, or by default; 404 for one the scope does not see. */
function createdCalendarId(asked: number | undefined, scope: CalendarScope) {
	const id =
		asked ??
		(canSee(scope, DEFAULT_CALENDAR_ID)
			? DEFAULT_CALENDAR_ID
			: (scope.calendarIds?.[0] ?? DEFAULT_CALENDAR_ID));
	if (!canSee(scope, id)) throw notFound("Calendar", id);
	return id;
}

export function calendarJson(row: CalendarRow) {
	return {
		id: row.id,
		name: row.name,
		timezone: row.timezone,
		created_at: isoUtc(row.createdAt),
		updated_at: isoUtc(row.updatedAt),
	};
}
