// An iCalendar object (RFC 5545 §3.4) for a set of patterns and sessions: recurring series stay
// series, one-time sessions are plain events, every TZID used gets its VTIMEZONE.
import type { OccurrenceRow, PatternRow } from "../db/schema";
import { localDateOf } from "../recurrence";
import { sessionEvent, type VEvent, type ZonedTime } from "./event";
import { seriesEvents } from "./series";
import { compactLocal, contentLine, escapeText, foldLine, minutesDuration, utcStamp } from "./text";
import { vtimezone } from "./vtimezone";

export interface FeedInput {
	/** X-WR-CALNAME, the name clients show for a subscription. */
	name: string;
	patterns: PatternRow[];
	/** Sessions of those patterns (any status) and one-time sessions, ordered by start. */
	sessions: OccurrenceRow[];
	now: number;
}

const zoned = (name: string, time: ZonedTime) =>
	contentLine(name, compactLocal(time.local), { TZID: time.zone });

function eventLines(event: VEvent): string[] {
	return [
		contentLine("BEGIN", "VEVENT"),
		contentLine("UID", event.uid),
		// No METHOD in the object, so DTSTAMP is the last modification (§3.8.7.2).
		contentLine("DTSTAMP", utcStamp(event.modified)),
		contentLine("CREATED", utcStamp(event.created)),
		contentLine("LAST-MODIFIED", utcStamp(event.modified)),
		...(event.recurrenceId ? [zoned("RECURRENCE-ID", event.recurrenceId)] : []),
		zoned("DTSTART", event.start),
		contentLine("DURATION", minutesDuration(event.durationMinutes)),
		...(event.rrule ? [contentLine("RRULE", event.rrule)] : []),
		...(event.exdates ?? []).map((time) => zoned("EXDATE", time)),
		contentLine("SUMMARY", escapeText(event.summary)),
		...(event.description ? [contentLine("DESCRIPTION", escapeText(event.description))] : []),
		contentLine("SEQUENCE", String(event.sequence)),
		...(event.relatedTo ? [contentLine("RELATED-TO", event.relatedTo)] : []),
		contentLine("END", "VEVENT"),
	];
}

/** The local years each zone must cover: every time written in it, and how far rules reach. */
function zoneYears(events: VEvent[]): Map<string, { from: number; to: number }> {
	const years = new Map<string, { from: number; to: number }>();
	const note = (zone: string, year: number) => {
		const span = years.get(zone);
		if (!span) years.set(zone, { from: year, to: year });
		else {
			span.from = Math.min(span.from, year);
			span.to = Math.max(span.to, year);
		}
	};
	const noteTime = (time: ZonedTime) => note(time.zone, Number(time.local.slice(0, 4)));
	for (const event of events) {
		noteTime(event.start);
		if (event.recurrenceId) noteTime(event.recurrenceId);
		for (const time of event.exdates ?? []) noteTime(time);
		if (event.lastStart !== undefined) {
			note(event.start.zone, Number(localDateOf(event.lastStart, event.start.zone).slice(0, 4)));
		}
	}
	return years;
}

export function renderFeed(input: FeedInput): string {
	const sessionsByPattern = new Map<number | null, OccurrenceRow[]>();
	for (const row of input.sessions) {
		const list = sessionsByPattern.get(row.patternId) ?? [];
		list.push(row);
		sessionsByPattern.set(row.patternId, list);
	}
	const events: VEvent[] = [];
	for (const pattern of input.patterns) {
		events.push(...seriesEvents(pattern, sessionsByPattern.get(pattern.id) ?? [], input.now));
	}
	const oneTime = (sessionsByPattern.get(null) ?? []).filter((row) => row.status !== "cancelled");
	events.push(...oneTime.map(sessionEvent));

	const timezones = [...zoneYears(events)]
		.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
		.flatMap(([zone, span]) => vtimezone(zone, span.from, span.to));
	const lines = [
		contentLine("BEGIN", "VCALENDAR"),
		contentLine("VERSION", "2.0"),
		contentLine("PRODID", "-//Calendar API//Sessions//EN"),
		contentLine("CALSCALE", "GREGORIAN"),
		contentLine("X-WR-CALNAME", escapeText(input.name)),
		// How often subscribers should refetch (RFC 7986 §5.7, and its older X- spelling).
		contentLine("REFRESH-INTERVAL", "PT1H", { VALUE: "DURATION" }),
		contentLine("X-PUBLISHED-TTL", "PT1H"),
		...timezones,
		...events.flatMap(eventLines),
		contentLine("END", "VCALENDAR"),
	];
	return `${lines.map(foldLine).join("\r\n")}\r\n`;
}
