// Expanding a weekly rule into slots. The walk jumps straight to the first active week of interest
// and then visits one week at a time, only on the chosen weekdays, so the cost is one step per slot
// whatever the distance from startDate.
import { MS_PER_DAY, mondayOfEpochDay } from "./calendar";
import { wallClockToInstant } from "./wall-clock";
import { type CompiledRule, compileRule, type Slot, type WeeklyRule } from "./weekly-rule";

// Temporal's supported range is ±10^8 days around 1970; no walk goes past it.
const LAST_EPOCH_DAY = 100_000_000;
// A slot's local date differs from its UTC date by less than a day (offsets stay below ±24 h), plus
// up to a day of gap shift; three days of slack can only add slots that the instant filter drops.
const SLACK_DAYS = 3;

/** Slots with `start` in [from, until), ascending. */
export function expandSlots(rule: WeeklyRule, window: { from: number; until: number }): Slot[] {
	const { from, until } = window;
	const slots: Slot[] = [];
	const compiled = compileRule(rule);
	// `!(from < until)` also rejects NaN bounds.
	if (compiled === null || !(from < until)) return slots;
	for (const slot of walkSeries(compiled, searchStartDay(from))) {
		if (slot.start >= until) break;
		if (slot.start >= from) slots.push(slot);
	}
	return slots;
}

/** The first slot starting at or after `instant`, or null when the series has ended. */
export function firstSlotAtOrAfter(rule: WeeklyRule, instant: number): Slot | null {
	const compiled = compileRule(rule);
	if (compiled === null || Number.isNaN(instant)) return null;
	for (const slot of walkSeries(compiled, searchStartDay(instant))) {
		if (slot.start >= instant) return slot;
	}
	return null;
}

/**
 * What one materialization pass stores: the slots in [from, until), plus where the next pass has
 * work to do (the start of the first slot at or after `until`, null once the series is over).
 */
export function materializationPlan(
	rule: WeeklyRule,
	window: { from: number; until: number },
): { slots: Slot[]; nextSlotAt: number | null } {
	const { from, until } = window;
	const slots: Slot[] = [];
	const compiled = compileRule(rule);
	if (compiled === null || Number.isNaN(from) || Number.isNaN(until)) {
		return { slots, nextSlotAt: null };
	}
	for (const slot of walkSeries(compiled, searchStartDay(Math.min(from, until)))) {
		if (slot.start >= until) return { slots, nextSlotAt: slot.start };
		if (slot.start >= from) slots.push(slot);
	}
	return { slots, nextSlotAt: null };
}

function searchStartDay(instant: number): number {
	const day = Math.floor(instant / MS_PER_DAY) - SLACK_DAYS;
	return Math.min(Math.max(day, -LAST_EPOCH_DAY), LAST_EPOCH_DAY);
}

/**
 * The series' slots in order, from the first active week that holds `fromDay` or comes after it,
 * until endDate, count or the end of Temporal's range. Earlier slots of that week are included;
 * callers filter by instant.
 */
function* walkSeries(rule: CompiledRule, fromDay: number): Generator<Slot, void> {
	const { weekdays, strideDays, firstMonday, skippedInFirstWeek } = rule;
	const lastDay = Math.min(rule.endDay, LAST_EPOCH_DAY);
	const weeksToSkip = Math.ceil((mondayOfEpochDay(fromDay) - firstMonday) / strideDays);
	let previousStart = Number.NEGATIVE_INFINITY;
	for (let week = Math.max(0, weeksToSkip); ; week++) {
		const monday = firstMonday + week * strideDays;
		for (let position = 0; position < weekdays.length; position++) {
			const day = monday + (weekdays[position] as number);
			if (day < rule.startDay) continue;
			// Counting slots from startDate: whole active weeks before this one, then this week's
			// earlier weekdays, minus those before startDate in the first week.
			const index = week * weekdays.length + position - skippedInFirstWeek;
			if (day > lastDay || index >= rule.count) return;
			const start = wallClockToInstant(rule.timezone, day * MS_PER_DAY + rule.timeMs);
			// Only a calendar day its zone skipped whole (Pacific/Apia, 2011-12-30) can be pushed onto
			// the next slot's instant; dropping it keeps the series strictly increasing.
			if (start <= previousStart) continue;
			previousStart = start;
			yield { start, index };
		}
	}
}
