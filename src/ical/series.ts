// One pattern as one recurring VEVENT: DTSTART + RRULE for the rule, EXDATE for the slots without
// a session to show, an overriding VEVENT (RECURRENCE-ID) for each session that differs from the
// rule's instance. https://www.rfc-editor.org/rfc/rfc5545#section-3.8.5
import type { OccurrenceRow, PatternRow } from "../db/schema";
import { ruleOf } from "../occurrences/writer";
import {
	addDays,
	expandSlots,
	firstSlotAtOrAfter,
	localDateOf,
	type Slot,
	startOfLocalDay,
} from "../recurrence";
import { patternUid, rowEvent, sessionEvent, type VEvent, type ZonedTime } from "./event";
import { utcStamp } from "./text";

const BYDAY = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"];
const YEAR_MS = 366 * 86_400_000;

const shown = (row: OccurrenceRow | undefined): row is OccurrenceRow =>
	row !== undefined && row.status !== "cancelled";

/** A session the rule's instance cannot stand for: edited by hand, or the pattern changed since. */
const needsOverride = (row: OccurrenceRow, pattern: PatternRow) =>
	row.isException ||
	row.startAt !== row.originalStartAt ||
	row.title !== pattern.title ||
	row.description !== pattern.description ||
	row.durationMinutes !== pattern.durationMinutes;

/**
 * The events for one pattern and its sessions (any status).
 *
 * The recurring event starts at the first rule slot that has a session (earlier slots predate the
 * current rule), and lists as EXDATE every slot from there up to the materialized horizon whose
 * session is cancelled or absent. A live, active pattern's rule then runs on as the pattern says
 * (COUNT, UNTIL or open); a deleted or deactivated pattern makes nothing new, so its rule ends
 * (UNTIL) at its last shown session. Sessions that are not instances of the current rule (left by
 * an earlier rule, or kept past a split) become events of their own. Cancelled sessions never
 * appear. Completed sessions are ordinary instances unless they differ from the rule.
 */
export function seriesEvents(pattern: PatternRow, rows: OccurrenceRow[], now: number): VEvent[] {
	const rule = ruleOf(pattern);
	const live = pattern.deletedAt === null && pattern.isActive;
	const bySlot = new Map(rows.map((row) => [row.originalStartAt, row]));
	let slots = expandSlots(rule, {
		from: Number.NEGATIVE_INFINITY,
		until: pattern.materializedUntil,
	});
	if (!live)
		slots = slots.slice(0, slots.findLastIndex((slot) => shown(bySlot.get(slot.start))) + 1);
	const firstWithSession = slots.findIndex((slot) => bySlot.has(slot.start));
	const covered = firstWithSession < 0 ? [] : slots.slice(firstWithSession);
	const first = covered[0] ?? (live ? firstSlotAtOrAfter(rule, pattern.materializedUntil) : null);
	const inSeries = new Set(covered.map((slot) => slot.start));
	const standalone = rows
		.filter((row) => shown(row) && !inSeries.has(row.originalStartAt ?? Number.NaN))
		.map(sessionEvent);
	if (!first) return standalone;

	// An instance is named by its nominal wall-clock time, even one a DST gap pushes forward:
	// that is how the RRULE generates it (§3.3.5), so EXDATE and RECURRENCE-ID match it.
	const nominal = (slot: number): ZonedTime => ({
		zone: pattern.timezone,
		local: `${localDateOf(slot, pattern.timezone)}T${pattern.time}`,
	});
	const uid = patternUid(pattern.id);
	const { end, lastStart } = ruleEnd(pattern, live, covered, first, now);
	const master: VEvent = {
		uid,
		start: nominal(first.start),
		durationMinutes: pattern.durationMinutes,
		summary: pattern.title,
		description: pattern.description,
		sequence: pattern.version - 1,
		modified: pattern.updatedAt,
		created: pattern.createdAt,
		rrule: [
			"FREQ=WEEKLY",
			`INTERVAL=${pattern.interval}`,
			`BYDAY=${pattern.weekdays.map((day) => BYDAY[day]).join(",")}`,
			...end,
			"WKST=MO",
		].join(";"),
		exdates: covered
			.filter((slot) => !shown(bySlot.get(slot.start)))
			.map((slot) => nominal(slot.start)),
		lastStart,
	};
	const instances = rows
		.filter((row) => shown(row) && inSeries.has(row.originalStartAt ?? Number.NaN))
		.filter((row) => needsOverride(row, pattern))
		.map((row) => ({
			...rowEvent(row, uid),
			recurrenceId: nominal(row.originalStartAt ?? row.startAt),
		}));
	return [master, ...instances, ...standalone];
}

/** The RRULE's end part, and the latest instant it can reach. */
function ruleEnd(
	pattern: PatternRow,
	live: boolean,
	covered: Slot[],
	first: Slot,
	now: number,
): { end: string[]; lastStart: number } {
	const last = covered.at(-1);
	if (!live && last) return { end: [`UNTIL=${utcStamp(last.start)}`], lastStart: last.start };
	if (pattern.count !== null) {
		// COUNT counts from DTSTART, the rule's count from start_date. A count is at most a few
		// thousand slots, so walking to the last one is cheap.
		const slots = expandSlots(ruleOf(pattern), {
			from: first.start,
			until: Number.POSITIVE_INFINITY,
		});
		return {
			end: [`COUNT=${pattern.count - first.index}`],
			lastStart: slots.at(-1)?.start ?? first.start,
		};
	}
	if (pattern.endDate !== null) {
		// UNTIL is a UTC instant when DTSTART has a TZID (§3.3.10): the last second of end_date.
		const until = startOfLocalDay(addDays(pattern.endDate, 1), pattern.timezone) - 1000;
		return { end: [`UNTIL=${utcStamp(until)}`], lastStart: until };
	}
	return { end: [], lastStart: Math.max(now, pattern.materializedUntil) + YEAR_MS };
}
