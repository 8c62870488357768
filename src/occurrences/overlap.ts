// The range query ("sessions overlapping [start, end)") shaped for D1's bill: D1 counts every index
// entry a statement steps over as a row read, whether or not the row is returned, so the scan must
// step over as few non-matching entries as an index allows. See docs/performance.md.
import { and, asc, eq, gt, gte, lt, lte, type SQL, sql } from "drizzle-orm";
import { type CalendarScope, visibleCalendars } from "../db/calendar-scope";
import type { Db } from "../db/client";
import { type OccurrenceStatus, occurrences } from "../db/schema";
import { minutesToMs } from "../recurrence";

/**
 * Sessions longer than this many minutes are also in the partial index occurrences_long_start_idx
 * (start_at WHERE duration_minutes > 120). The literal must match that index's WHERE clause
 * exactly, or SQLite cannot use the index.
 */
export const LONG_SESSION_MINUTES = 120;
const LONG_SESSION_MS = minutesToMs(LONG_SESSION_MINUTES);
/** Longest possible session (the duration check allows 1440 minutes). */
const MAX_SESSION_MS = minutesToMs(1440);

export interface RangeFilter {
	start: number;
	end: number;
	statuses?: OccurrenceStatus[];
	patternId?: number;
	/** Keyset cursor: rows strictly after (startAt, id) in list order. */
	after?: { startAt: number; id: number };
	limit: number;
	/** The caller's calendars (narrowed by ?calendar_id=): a term of every scan's WHERE. */
	scope: CalendarScope;
}

/**
 * One statement, in (start_at, id) order, that stops at `limit`.
 *
 * A session that started before the window overlaps it only if it lasts past `start`; the index
 * on start_at alone cannot tell, so whatever lead-in the scan covers is read in full. All sessions
 * are read from start − 2 h (the start_at index); before that only long sessions can still be
 * running, and they come from their own small partial index, from start − 24 h. Both halves are
 * in index order, so SQLite merges them (MERGE UNION ALL) and stops at the limit without sorting.
 *
 * A series (patternId) holds at most one session per local day, so its own index
 * (pattern_id, start_at) over the whole 24 h lead-in costs at most a row or two more.
 */
export function overlapQuery(db: Db, filter: RangeFilter) {
	const { after } = filter;
	// With one calendar the term is calendar_id = ?, and the scans seek the calendar-first indexes
	// (occurrences_calendar_start_idx, occurrences_calendar_long_start_idx): a small calendar's
	// page reads its own rows, however many sessions other calendars hold.
	const shared: (SQL | undefined)[] = [
		gt(occurrences.endAt, filter.start),
		visibleCalendars(occurrences.calendarId, filter.scope),
	];
	if (filter.statuses?.length) {
		shared.push(
			sql`${occurrences.status} IN (${sql.join(
				filter.statuses.map((status) => sql`${status}`),
				sql`, `,
			)})`,
		);
	}
	if (after) {
		shared.push(sql`(${occurrences.startAt}, ${occurrences.id}) > (${after.startAt}, ${after.id})`);
	}
	// Each scan gets exactly one lower bound on start_at (SQLite seeks on one and merely filters on
	// another): the lead-in's, or the cursor's once a later page starts past it.
	const startsFrom = (leadInMs: number) =>
		gte(
			occurrences.startAt,
			Math.max(filter.start - leadInMs + 1, after?.startAt ?? Number.NEGATIVE_INFINITY),
		);
	const order = [asc(occurrences.startAt), asc(occurrences.id)] as const;

	if (filter.patternId !== undefined) {
		return db
			.select()
			.from(occurrences)
			.where(
				and(
					eq(occurrences.patternId, filter.patternId),
					startsFrom(MAX_SESSION_MS),
					lt(occurrences.startAt, filter.end),
					...shared,
				),
			)
			.orderBy(...order)
			.limit(filter.limit);
	}

	const recent = db
		.select()
		.from(occurrences)
		.where(and(startsFrom(LONG_SESSION_MS), lt(occurrences.startAt, filter.end), ...shared));
	// A page that resumes past the long lead-in cannot contain any of it: skip that probe.
	if (after && after.startAt > filter.start - LONG_SESSION_MS) {
		return recent.orderBy(...order).limit(filter.limit);
	}
	const longLeadIn = db
		.select()
		.from(occurrences)
		.where(
			and(
				sql`${occurrences.durationMinutes} > ${sql.raw(String(LONG_SESSION_MINUTES))}`,
				startsFrom(MAX_SESSION_MS),
				lte(occurrences.startAt, filter.start - LONG_SESSION_MS),
				...shared,
			),
		);
	return longLeadIn
		.unionAll(recent)
		.orderBy(...order)
		.limit(filter.limit);
}
