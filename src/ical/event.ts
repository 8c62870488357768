import type { OccurrenceRow } from "../db/schema";
import { localOf } from "./text";

/** A local date-time in a zone: "YYYY-MM-DDTHH:MM:SS" read in `zone`. */
export interface ZonedTime {
	zone: string;
	local: string;
}

/** One VEVENT, before rendering (§3.6.1). */
export interface VEvent {
	uid: string;
	start: ZonedTime;
	durationMinutes: number;
	summary: string;
	description: string;
	/** SEQUENCE: versions start at 1, iCalendar sequences at 0 (§3.8.7.4). */
	sequence: number;
	/** DTSTAMP and LAST-MODIFIED: the row's updated_at, so an unchanged feed renders byte for byte. */
	modified: number;
	created: number;
	recurrenceId?: ZonedTime;
	rrule?: string;
	exdates?: ZonedTime[];
	relatedTo?: string;
	/** Latest instant this event's recurrence can reach: how far its zone's VTIMEZONE must go. */
	lastStart?: number;
}

export const patternUid = (id: number) => `pattern-${id}@calendar-api`;
export const occurrenceUid = (id: number) => `occurrence-${id}@calendar-api`;

/** A session's own start, length and text, as an event with the given UID. */
export function rowEvent(row: OccurrenceRow, uid: string): VEvent {
	return {
		uid,
		start: { zone: row.timezone, local: localOf(row.startAt, row.timezone) },
		durationMinutes: row.durationMinutes,
		summary: row.title,
		description: row.description,
		sequence: row.version - 1,
		modified: row.updatedAt,
		created: row.createdAt,
	};
}

/** A session as an event of its own: one-time sessions, and pattern sessions outside the rule. */
export function sessionEvent(row: OccurrenceRow): VEvent {
	const event = rowEvent(row, occurrenceUid(row.id));
	return row.patternId === null ? event : { ...event, relatedTo: patternUid(row.patternId) };
}
