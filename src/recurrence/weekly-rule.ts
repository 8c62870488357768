// A weekly rule is the RFC 5545 subset FREQ=WEEKLY;WKST=MO;INTERVAL=n;BYDAY=…;COUNT=…|UNTIL=…
// (https://www.rfc-editor.org/rfc/rfc5545#section-3.3.10), with the start given as a local date and
// a wall-clock time in an IANA zone. Here it is checked and turned into integers once, so walking
// the series is integer arithmetic.
import { mondayOfEpochDay, timeOfDayMs, toEpochDay, weekdayOfEpochDay } from "./calendar";

export interface WeeklyRule {
	/** 0 = Monday … 6 = Sunday; non-empty, unique, in any order. */
	weekdays: readonly number[];
	/** Every N weeks (1–52), counted from the ISO week (Monday–Sunday) that contains startDate. */
	interval: number;
	/** "HH:MM:SS" local wall-clock time. */
	time: string;
	/** IANA zone name. */
	timezone: string;
	/** "YYYY-MM-DD": first local date that may hold a slot. */
	startDate: string;
	/** Inclusive last local date, or null. */
	endDate: string | null;
	/** Total number of slots in the whole series counted from startDate, or null. */
	count: number | null;
}

/** start: UTC epoch milliseconds; index: 0-based ordinal of the slot in the series from startDate. */
export interface Slot {
	start: number;
	index: number;
}

/** A rule reduced to epoch days and milliseconds. */
export interface CompiledRule {
	timezone: string;
	/** Sorted, unique, each 0–6. */
	weekdays: number[];
	/** Days between two active weeks: 7 × interval. */
	strideDays: number;
	/** Milliseconds after local midnight. */
	timeMs: number;
	startDay: number;
	/** Inclusive; +Infinity when open-ended. */
	endDay: number;
	/** +Infinity when unlimited. */
	count: number;
	/** Monday of startDate's ISO week: active week k begins at firstMonday + k × strideDays. */
	firstMonday: number;
	/** Chosen weekdays that fall before startDate in its own week; they hold no slot. */
	skippedInFirstWeek: number;
}

/**
 * Validation belongs to the API, but the walk must never loop forever, so a rule that cannot
 * produce a well-defined series (no usable weekday, interval below 1, unreadable date or time)
 * compiles to null and yields no slots.
 */
export function compileRule(rule: WeeklyRule): CompiledRule | null {
	const weekdays = [...new Set(rule.weekdays)]
		.filter((day) => Number.isInteger(day) && day >= 0 && day <= 6)
		.sort((a, b) => a - b);
	const timeMs = timeOfDayMs(rule.time);
	const startDay = toEpochDay(rule.startDate);
	const endDay = rule.endDate === null ? Number.POSITIVE_INFINITY : toEpochDay(rule.endDate);
	const validInterval = Number.isInteger(rule.interval) && rule.interval >= 1;
	if (weekdays.length === 0 || !validInterval || timeMs === null) return null;
	if (startDay === null || endDay === null) return null;
	const startWeekday = weekdayOfEpochDay(startDay);
	return {
		timezone: rule.timezone,
		weekdays,
		strideDays: 7 * rule.interval,
		timeMs,
		startDay,
		endDay,
		// NaN would never compare as reached, so it counts as an empty series.
		count: rule.count === null ? Number.POSITIVE_INFINITY : rule.count || 0,
		firstMonday: mondayOfEpochDay(startDay),
		skippedInFirstWeek: weekdays.filter((day) => day < startWeekday).length,
	};
}
