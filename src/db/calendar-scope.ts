// Which calendars a caller may see, and the one SQL term every query of the API carries for it.
// A key's calendar_ids come with its lookup (api_keys.calendar_ids), so scoping costs no round
// trip; the term goes into the statement itself, so rows of other calendars are never read out.
import { type AnyColumn, eq, type SQL, sql } from "drizzle-orm";

/** The calendars a caller may see: null means every calendar (the root token, unscoped keys). */
export interface CalendarScope {
	readonly calendarIds: readonly number[] | null;
}

export const ALL_CALENDARS: CalendarScope = { calendarIds: null };

/** Whether the scope includes a calendar. */
export const canSee = (scope: CalendarScope, calendarId: number) =>
	scope.calendarIds === null || scope.calendarIds.includes(calendarId);

/**
 * The scope narrowed to `?calendar_id=` (undefined: unchanged). A calendar outside the scope
 * narrows it to nothing, so the list is empty, exactly as for a calendar that does not exist.
 */
export function narrowScope(scope: CalendarScope, calendarId: number | undefined): CalendarScope {
	if (calendarId === undefined) return scope;
	return { calendarIds: canSee(scope, calendarId) ? [calendarId] : [] };
}

/**
 * The WHERE term limiting `column` to the scope: none for every calendar, `= ?` for one (so an
 * index led by calendar_id seeks on it), else `IN (SELECT value FROM json_each(?))`, one bound
 * value however many calendars.
 */
export function visibleCalendars(column: AnyColumn, scope: CalendarScope): SQL | undefined {
	const ids = scope.calendarIds;
	if (ids === null) return undefined;
	if (ids.length === 0) return sql`0`;
	if (ids.length === 1) return eq(column, ids[0] as number);
	return sql`${column} IN (SELECT value FROM json_each(${JSON.stringify(ids)}))`;
}

/** The same term for a column named in raw SQL (an alias such as `o.calendar_id`); `1` for all. */
export function calendarsTerm(column: string, scope: CalendarScope): SQL {
	const ids = scope.calendarIds;
	const named = sql.raw(column);
	if (ids === null) return sql`1`;
	if (ids.length === 0) return sql`0`;
	if (ids.length === 1) return sql`${named} = ${ids[0]}`;
	return sql`${named} IN (SELECT value FROM json_each(${JSON.stringify(ids)}))`;
}

/** Whether `inner` is within `outer`: every calendar inner may see, outer may see too. */
export function scopeWithin(inner: CalendarScope, outer: CalendarScope) {
	if (outer.calendarIds === null) return true;
	if (inner.calendarIds === null) return false;
	return inner.calendarIds.every((id) => canSee(outer, id));
}
