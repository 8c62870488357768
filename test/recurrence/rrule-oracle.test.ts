// An independent oracle. rrule (https://github.com/jkbrzt/rrule) expands the same series as an
// RFC 5545 RRULE in floating local time (Dates whose UTC fields hold the local wall clock); each
// local date-time is then mapped to an instant with Temporal's "compatible" disambiguation.
import fc from "fast-check";
import { datetime, RRule, type Weekday } from "rrule";
import { Temporal } from "temporal-polyfill";
import { describe, expect, it } from "vitest";
import { expandSlots, type Slot, type WeeklyRule } from "../../src/recurrence";
import { compatibleInstant, MS_PER_DAY, ruleAndWindowArb } from "./arbitraries";

const BY_DAY: readonly Weekday[] = [
	RRule.MO,
	RRule.TU,
	RRule.WE,
	RRule.TH,
	RRule.FR,
	RRule.SA,
	RRule.SU,
];

function floating(date: string, time: string): Date {
	const d = Temporal.PlainDate.from(date);
	const t = Temporal.PlainTime.from(time);
	return datetime(d.year, d.month, d.day, t.hour, t.minute, t.second);
}

/** Every slot of `rule` up to the local date `lastDate`, by rrule. */
function rruleSeries(rule: WeeklyRule, lastDate: string): Slot[] {
	const recurrence = new RRule({
		freq: RRule.WEEKLY,
		interval: rule.interval,
		byweekday: rule.weekdays.map((day) => BY_DAY[day] as Weekday),
		wkst: RRule.MO,
		dtstart: floating(rule.startDate, rule.time),
		count: rule.count,
		// UNTIL is inclusive, so the whole last day counts.
		until: floating(rule.endDate ?? lastDate, "23:59:59"),
	});
	return recurrence.all().map((local, index) => {
		const date = new Temporal.PlainDate(
			local.getUTCFullYear(),
			local.getUTCMonth() + 1,
			local.getUTCDate(),
		);
		return { start: compatibleInstant(date, rule.time, rule.timezone), index };
	});
}

describe("expandSlots against rrule", () => {
	it("returns the RRULE's occurrences in the window, with their ordinals", () => {
		fc.assert(
			fc.property(ruleAndWindowArb, ({ rule, window }) => {
				// Local dates run at most a day off UTC ones; expand two days past the window's end.
				const lastDate = new Date(window.until + 2 * MS_PER_DAY).toISOString().slice(0, 10);
				const expected = rruleSeries(rule, lastDate).filter(
					(slot) => slot.start >= window.from && slot.start < window.until,
				);
				expect(expandSlots(rule, window)).toEqual(expected);
			}),
			{ numRuns: 400 },
		);
	});
});

describe("expandSlots against Temporal in every IANA zone", () => {
	it("matches a direct compatible conversion for a daily 02:30 series through 2026", () => {
		const first = Temporal.PlainDate.from("2026-01-01");
		const window = {
			from: Date.parse("2025-12-25T00:00:00Z"),
			until: Date.parse("2027-01-05T00:00:00Z"),
		};
		for (const timezone of Intl.supportedValuesOf("timeZone")) {
			const rule: WeeklyRule = {
				weekdays: [0, 1, 2, 3, 4, 5, 6],
				interval: 1,
				time: "02:30:00",
				timezone,
				startDate: "2026-01-01",
				endDate: "2026-12-31",
				count: null,
			};
			const expected = Array.from({ length: 365 }, (_, index) => ({
				start: compatibleInstant(first.add({ days: index }), rule.time, timezone),
				index,
			}));
			expect(expandSlots(rule, window), timezone).toEqual(expected);
		}
	});
});
