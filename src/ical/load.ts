import { and, asc, eq, isNotNull, isNull, ne, or, sql } from "drizzle-orm";
import { calendarVersion } from "../calendars/version";
import { type CalendarScope, visibleCalendars } from "../db/calendar-scope";
import type { Db } from "../db/client";
import { type OccurrenceRow, occurrences, type PatternRow, patterns } from "../db/schema";
import { notFound } from "../http/problem";

export interface FeedData {
	patterns: PatternRow[];
	sessions: OccurrenceRow[];
	/** The calendar's version the rows were read at (same transaction); undefined without one. */
	version: number | undefined;
	/** The calendar the feed belongs to: its id (for the ETag) and name (X-WR-CALNAME). */
	calendar: { id: number; name: string } | undefined;
}

const byStart = [asc(occurrences.startAt), asc(occurrences.id)];

/**
 * Everything one calendar's feed shows, in one round trip: live patterns, deleted ones that
 * still have sessions to show, their sessions (cancelled ones too: they become EXDATEs) and the
 * one-time sessions that are not cancelled; and the calendar's version they are at. A calendar
 * outside the scope is 404: every statement carries the scope, the calendar row decides.
 */
export async function loadCalendar(
	db: Db,
	calendarId: number,
	scope: CalendarScope,
): Promise<FeedData> {
	const [calendar, patternRows, sessions] = await db.batch([
		calendarVersion(db, { calendarId, scope }),
		db
			.select()
			.from(patterns)
			.where(
				and(
					eq(patterns.calendarId, calendarId),
					visibleCalendars(patterns.calendarId, scope),
					or(
						isNull(patterns.deletedAt),
						sql`EXISTS (SELECT 1 FROM ${occurrences} WHERE ${occurrences.patternId} = ${patterns.id} AND ${occurrences.status} <> 'cancelled')`,
					),
				),
			)
			.orderBy(asc(patterns.id)),
		db
			.select()
			.from(occurrences)
			.where(
				and(
					eq(occurrences.calendarId, calendarId),
					visibleCalendars(occurrences.calendarId, scope),
					or(isNotNull(occurrences.patternId), ne(occurrences.status, "cancelled")),
				),
			)
			.orderBy(...byStart),
	]);
	const row = calendar[0];
	if (!row) throw notFound("Calendar", calendarId);
	return { patterns: patternRows, sessions, version: row.version, calendar: row };
}

/** One live pattern and all its sessions, in one round trip; 404 for an unknown or deleted one. */
export async function loadSeries(db: Db, id: number, scope: CalendarScope): Promise<FeedData> {
	const [calendar, patternRows, sessions] = await db.batch([
		calendarVersion(db, { patternId: id, scope }),
		db
			.select()
			.from(patterns)
			.where(
				and(
					eq(patterns.id, id),
					isNull(patterns.deletedAt),
					visibleCalendars(patterns.calendarId, scope),
				),
			),
		db
			.select()
			.from(occurrences)
			.where(and(eq(occurrences.patternId, id), visibleCalendars(occurrences.calendarId, scope)))
			.orderBy(...byStart),
	]);
	if (patternRows.length === 0) throw notFound("Pattern", id);
	return {
		patterns: patternRows,
		sessions,
		version: calendar[0]?.version,
		calendar: calendar[0],
	};
}
