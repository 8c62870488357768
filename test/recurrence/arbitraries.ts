// Random weekly rules for the property and oracle tests, biased towards what breaks calendars:
// zones with 30- and 45-minute offsets or 30-minute DST shifts, and times in the 00:00–03:59 band
// where DST gaps and overlaps happen.
import fc from "fast-check";
import { Temporal } from "temporal-polyfill";
import type { WeeklyRule } from "../../src/recurrence";

export const ZONES = [
	"America/New_York",
	"Europe/London",
	"Australia/Lord_Howe",
	"Asia/Kolkata",
	"Pacific/Chatham",
	"America/Sao_Paulo",
	"UTC",
	"Europe/Paris",
] as const;

export const MS_PER_DAY = 86_400_000;

const FIRST_START = Temporal.PlainDate.from("2018-01-01");

const pad = (n: number) => String(n).padStart(2, "0");

const timeArb = fc
	.record({
		hour: fc.oneof(
			{ weight: 3, arbitrary: fc.integer({ min: 0, max: 3 }) },
			{ weight: 1, arbitrary: fc.integer({ min: 0, max: 23 }) },
		),
		minute: fc.oneof(fc.constantFrom(0, 15, 30, 45), fc.integer({ min: 0, max: 59 })),
		second: fc.oneof({ weight: 3, arbitrary: fc.constant(0) }, fc.integer({ min: 0, max: 59 })),
	})
	.map(({ hour, minute, second }) => `${pad(hour)}:${pad(minute)}:${pad(second)}`);

const endArb = fc.oneof(
	fc.record({ kind: fc.constant("count" as const), value: fc.integer({ min: 1, max: 40 }) }),
	fc.record({ kind: fc.constant("endDate" as const), value: fc.integer({ min: 0, max: 400 }) }),
	fc.record({ kind: fc.constant("open" as const), value: fc.constant(0) }),
);

export const ruleArb: fc.Arbitrary<WeeklyRule> = fc
	.record({
		// Unsorted on purpose: the API may hand weekdays over in any order.
		weekdays: fc.uniqueArray(fc.integer({ min: 0, max: 6 }), { minLength: 1, maxLength: 7 }),
		interval: fc.integer({ min: 1, max: 4 }),
		time: timeArb,
		timezone: fc.constantFrom(...ZONES),
		startOffsetDays: fc.integer({ min: 0, max: 15 * 365 }),
		end: endArb,
	})
	.map(({ weekdays, interval, time, timezone, startOffsetDays, end }) => {
		const startDate = FIRST_START.add({ days: startOffsetDays });
		return {
			weekdays,
			interval,
			time,
			timezone,
			startDate: startDate.toString(),
			endDate: end.kind === "endDate" ? startDate.add({ days: end.value }).toString() : null,
			count: end.kind === "count" ? end.value : null,
		};
	});

/** A rule with a window [from, until) placed around its start, from a few weeks before to a year after. */
export const ruleAndWindowArb = fc
	.record({
		rule: ruleArb,
		fromOffsetMs: fc.integer({ min: -30 * MS_PER_DAY, max: 400 * MS_PER_DAY }),
		lengthMs: fc.integer({ min: 0, max: 200 * MS_PER_DAY }),
	})
	.map(({ rule, fromOffsetMs, lengthMs }) => {
		const from = startOfDateUtc(rule.startDate) + fromOffsetMs;
		return { rule, window: { from, until: from + lengthMs } };
	});

/** 00:00Z of a "YYYY-MM-DD" date. */
export function startOfDateUtc(date: string): number {
	return Temporal.PlainDate.from(date).toZonedDateTime("UTC").epochMilliseconds;
}

/** RFC 5545 / Temporal "compatible": the instant of a local date and wall-clock time in a zone. */
export function compatibleInstant(
	date: Temporal.PlainDate,
	time: string,
	timezone: string,
): number {
	return date
		.toPlainDateTime(Temporal.PlainTime.from(time))
		.toZonedDateTime(timezone, { disambiguation: "compatible" }).epochMilliseconds;
}
