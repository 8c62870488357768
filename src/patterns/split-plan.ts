// What a "this and following" split does, worked out in memory from the old pattern and its
// sessions from `from` on. The dry run answers this plan; the real run writes exactly it.
import type { OccurrenceRow, PatternRow } from "../db/schema";
import { ApiError } from "../http/problem";
import { ruleOf, skipHandledDays } from "../occurrences/writer";
import {
	addDays,
	firstSlotAtOrAfter,
	horizonEnd,
	MS_PER_DAY,
	materializationPlan,
	startOfLocalDay,
} from "../recurrence";
import type { PatternChanges, PatternFields } from "./service";

export interface SplitRequest {
	/** "YYYY-MM-DD": the new series' first day, read in the old series' zone. */
	from: string;
	changes: PatternChanges;
}

export interface SplitPlan {
	/** The old pattern as the split leaves it. */
	oldPattern: PatternRow;
	/** The new pattern's row, all but the id the database assigns. */
	newPattern: Omit<PatternRow, "id">;
	/** Local midnight of `from` in the old zone: sessions whose slot is at or after it are "from `from` on". */
	firstDay: number;
	/** Unedited scheduled sessions starting at or after this move; earlier ones are history and stay. */
	cut: number;
	/** Start instants of the new series' sessions. */
	created: number[];
	moved: OccurrenceRow[];
	kept: OccurrenceRow[];
}

const invalid = (path: string, message: string) =>
	new ApiError("validation", `${path}: ${message}`, { errors: [{ path, message }] });

/**
 * The old series' remaining count at `firstDay` (null when it is not count-limited), after checking
 * that `from` lies inside the series. The old series becomes start_date … from − 1, and an
 * end_date must be after its start_date, so `from` is at least two days after start_date.
 */
function remainingCount(current: PatternRow, from: string, firstDay: number): number | null {
	if (from <= addDays(current.startDate, 1)) {
		throw invalid(
			"from",
			`Must be at least two days after the series' start_date (${current.startDate}), so that the old series keeps at least start_date and the day after. To change the whole series, PATCH the pattern.`,
		);
	}
	if (current.endDate !== null && from > current.endDate) {
		throw invalid("from", `Must not be after the series' end_date (${current.endDate}).`);
	}
	if (current.count === null) return null;
	const next = firstSlotAtOrAfter(ruleOf(current), firstDay);
	if (!next) {
		throw invalid(
			"from",
			`The series has no sessions on or after ${from}: it ends after ${current.count} sessions.`,
		);
	}
	return current.count - next.index;
}

/**
 * How the new series ends. end_date and count given in the changes are used as given; one not
 * given is inherited from the old series (its end_date, or what is left of its count) unless the
 * other is given a value, since a series ends by one or the other.
 */
function newSeriesEnd(
	current: PatternRow,
	request: SplitRequest,
	remaining: number | null,
): Pick<PatternFields, "count" | "endDate"> {
	const { changes, from } = request;
	const count = changes.count !== undefined ? changes.count : changes.endDate ? null : remaining;
	const endDate =
		changes.endDate !== undefined ? changes.endDate : changes.count ? null : current.endDate;
	if (count !== null && endDate !== null) {
		throw invalid("changes.count", "Cannot be combined with end_date.");
	}
	if (endDate !== null && endDate <= from) {
		throw changes.endDate === undefined
			? invalid(
					"from",
					`Must be before the series' end_date (${endDate}), or give changes.end_date for the new series.`,
				)
			: invalid("changes.end_date", "Must be after from (the new series' start_date).");
	}
	return { count, endDate };
}

function fieldsOf(pattern: PatternRow): PatternFields {
	const { title, description, weekdays, interval, count, time, timezone } = pattern;
	const { durationMinutes, startDate, endDate, isActive, calendarId, capacity, waitlist } = pattern;
	return {
		title,
		description,
		weekdays,
		interval,
		count,
		time,
		timezone,
		durationMinutes,
		startDate,
		endDate,
		isActive,
		calendarId,
		capacity,
		waitlist,
	};
}

/**
 * The kept sessions whose day a new slot (at or after `now`) can fall on: local days in two zones
 * differ by less than two days. Years of history are thus not converted to local dates one by one.
 */
const holdingDaysAhead = (kept: OccurrenceRow[], now: number) =>
	kept.filter((row) => row.originalStartAt !== null && row.originalStartAt >= now - 2 * MS_PER_DAY);

export function planSplit(
	current: PatternRow,
	rows: OccurrenceRow[],
	request: SplitRequest,
	options: { now: number; horizonMonths: number },
): SplitPlan {
	const { now } = options;
	const { from, changes } = request;
	const firstDay = startOfLocalDay(from, current.timezone);
	const remaining = remainingCount(current, from, firstDay);
	const fields: PatternFields = {
		...fieldsOf(current),
		...changes,
		...newSeriesEnd(current, request, remaining),
		startDate: from,
	};

	// The same test as followsPattern(id, cut), which the real run's DELETE uses.
	const cut = Math.max(now, firstDay);
	const fromFirstDay = rows.filter(
		(row) => row.originalStartAt !== null && row.originalStartAt >= firstDay,
	);
	// A booked session stays in the old series as it is (bookings never move).
	const moves = (row: OccurrenceRow) =>
		row.status === "scheduled" &&
		!row.isException &&
		row.startAt >= cut &&
		row.booked + row.held + row.waitlisted === 0;
	const moved = fromFirstDay.filter(moves);
	const kept = fromFirstDay.filter((row) => !moves(row));

	// A kept session still holds its slot, and its day: the new series makes no second session
	// there (see skipHandledDays).
	const reactivated = fields.isActive && !current.isActive;
	const materializedUntil = reactivated
		? Math.max(current.materializedUntil, horizonEnd(now, options.horizonMonths))
		: current.materializedUntil;
	// From now, not from `cut`: the new rule starts on `from` in its own zone, which may come
	// before local midnight of `from` in the old zone.
	const plan = materializationPlan(ruleOf(fields), { from: now, until: materializedUntil });

	const oldEnd = { ...current, endDate: addDays(from, -1), count: null };
	return {
		oldPattern: {
			...oldEnd,
			nextSlotAt: firstSlotAtOrAfter(ruleOf(oldEnd), current.materializedUntil)?.start ?? null,
			version: current.version + 1,
			updatedAt: now,
		},
		newPattern: {
			// The new series stays in its calendar and keeps its seats unless the split changes them
			// (fields carry them, from the current pattern or the split's changes).
			...fields,
			frequency: "weekly",
			materializedUntil,
			nextSlotAt: plan.nextSlotAt,
			version: 1,
			createdAt: now,
			updatedAt: now,
			deletedAt: null,
		},
		firstDay,
		cut,
		created: skipHandledDays(plan.slots, holdingDaysAhead(kept, now), fields.timezone).map(
			(slot) => slot.start,
		),
		moved,
		kept,
	};
}
