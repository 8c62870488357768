import fc from "fast-check";
import { Temporal } from "temporal-polyfill";
import { describe, expect, it } from "vitest";
import {
	expandSlots,
	firstSlotAtOrAfter,
	materializationPlan,
	type Slot,
	type WeeklyRule,
} from "../../src/recurrence";
import {
	compatibleInstant,
	MS_PER_DAY,
	ruleAndWindowArb,
	ruleArb,
	startOfDateUtc,
} from "./arbitraries";

const RUNS = { numRuns: 300 };

/** Weeks between the ISO week (Monday–Sunday) holding `startDate` and the one holding `date`. */
function weeksAfterStart(rule: WeeklyRule, date: Temporal.PlainDate): number {
	const start = Temporal.PlainDate.from(rule.startDate);
	const startMonday = start.subtract({ days: start.dayOfWeek - 1 });
	const monday = date.subtract({ days: date.dayOfWeek - 1 });
	return startMonday.until(monday).days / 7;
}

/**
 * The local date a slot was generated for, checking on the way that its instant shows the rule's
 * wall-clock time, or, when that time fell in a DST gap, that time pushed forward by the gap.
 */
function ruleDateOf(rule: WeeklyRule, slot: Slot): Temporal.PlainDate {
	const zoned = Temporal.Instant.fromEpochMilliseconds(slot.start).toZonedDateTimeISO(
		rule.timezone,
	);
	const time = Temporal.PlainTime.from(rule.time);
	if (Temporal.PlainTime.compare(zoned.toPlainTime(), time) === 0) {
		// A repeated (overlap) time takes its earlier instant.
		const earlier = zoned
			.toPlainDateTime()
			.toZonedDateTime(rule.timezone, { disambiguation: "earlier" });
		expect(slot.start).toBe(earlier.epochMilliseconds);
		return zoned.toPlainDate();
	}
	// The last offset change at or before the slot (a slot can start exactly on it).
	const transition = zoned.add({ nanoseconds: 1 }).getTimeZoneTransition("previous");
	if (transition === null) throw new Error(`slot ${zoned} is off the rule's time ${rule.time}`);
	const gapNs = zoned.offsetNanoseconds - transition.subtract({ nanoseconds: 1 }).offsetNanoseconds;
	expect(gapNs).toBeGreaterThan(0);
	const intended = zoned.toPlainDateTime().subtract({ nanoseconds: gapNs });
	expect(Temporal.PlainTime.compare(intended.toPlainTime(), time)).toBe(0);
	expect(() => intended.toZonedDateTime(rule.timezone, { disambiguation: "reject" })).toThrow();
	return intended.toPlainDate();
}

/** Day by day with Temporal: every slot of the series whose local date is on or before `lastDate`. */
function bruteForceSeries(rule: WeeklyRule, lastDate: Temporal.PlainDate): Slot[] {
	const end = rule.endDate === null ? lastDate : Temporal.PlainDate.from(rule.endDate);
	const last = Temporal.PlainDate.compare(end, lastDate) < 0 ? end : lastDate;
	const slots: Slot[] = [];
	for (
		let date = Temporal.PlainDate.from(rule.startDate);
		Temporal.PlainDate.compare(date, last) <= 0 && slots.length < (rule.count ?? Infinity);
		date = date.add({ days: 1 })
	) {
		const active = weeksAfterStart(rule, date) % rule.interval === 0;
		if (active && rule.weekdays.includes(date.dayOfWeek - 1)) {
			slots.push({ start: compatibleInstant(date, rule.time, rule.timezone), index: slots.length });
		}
	}
	return slots;
}

describe("expandSlots properties", () => {
	it("puts every slot on a chosen weekday of an active week, at the rule's wall-clock time", () => {
		fc.assert(
			fc.property(ruleAndWindowArb, ({ rule, window }) => {
				for (const slot of expandSlots(rule, window)) {
					const date = ruleDateOf(rule, slot);
					expect(rule.weekdays).toContain(date.dayOfWeek - 1);
					expect(weeksAfterStart(rule, date) % rule.interval).toBe(0);
					expect(date.toString() >= rule.startDate).toBe(true);
					if (rule.endDate !== null) expect(date.toString() <= rule.endDate).toBe(true);
					if (rule.count !== null) expect(slot.index).toBeLessThan(rule.count);
					expect(slot.start).toBeGreaterThanOrEqual(window.from);
					expect(slot.start).toBeLessThan(window.until);
				}
			}),
			RUNS,
		);
	});

	it("returns strictly increasing starts with consecutive indices", () => {
		fc.assert(
			fc.property(ruleAndWindowArb, ({ rule, window }) => {
				const slots = expandSlots(rule, window);
				for (let i = 1; i < slots.length; i++) {
					const [previous, current] = [slots[i - 1] as Slot, slots[i] as Slot];
					expect(current.start).toBeGreaterThan(previous.start);
					expect(current.index).toBe(previous.index + 1);
				}
			}),
			RUNS,
		);
	});

	it("yields exactly one slot per chosen weekday of each active week, up to count or endDate", () => {
		fc.assert(
			fc.property(ruleArb, fc.integer({ min: 1, max: 500 }), (rule, days) => {
				const lastDate = Temporal.PlainDate.from(rule.startDate).add({ days });
				const window = {
					from: startOfDateUtc(rule.startDate) - 2 * MS_PER_DAY,
					// Ending two days before lastDate keeps every slot the window can hold inside the
					// brute-force range, whatever the zone's offset from UTC.
					until: startOfDateUtc(lastDate.toString()) - 2 * MS_PER_DAY,
				};
				const expected = bruteForceSeries(rule, lastDate).filter((s) => s.start < window.until);
				expect(expandSlots(rule, window)).toEqual(expected);
			}),
			{ numRuns: 150 },
		);
	});

	it("holds exactly `count` slots in a series limited by count", () => {
		fc.assert(
			fc.property(ruleArb, (rule) => {
				fc.pre(rule.count !== null);
				const from = startOfDateUtc(rule.startDate) - 2 * MS_PER_DAY;
				const slots = expandSlots(rule, { from, until: from + 6 * 365 * MS_PER_DAY });
				expect(slots.map((s) => s.index)).toEqual([...Array(rule.count ?? 0).keys()]);
				expect(firstSlotAtOrAfter(rule, (slots.at(-1)?.start ?? 0) + 1)).toBeNull();
			}),
			RUNS,
		);
	});

	it("concatenates adjacent windows into the window over their union", () => {
		fc.assert(
			fc.property(
				ruleAndWindowArb,
				fc.double({ min: 0, max: 1, noNaN: true }),
				({ rule, window }, split) => {
					const middle = Math.floor(window.from + (window.until - window.from) * split);
					const left = expandSlots(rule, { from: window.from, until: middle });
					const right = expandSlots(rule, { from: middle, until: window.until });
					expect([...left, ...right]).toEqual(expandSlots(rule, window));
				},
			),
			RUNS,
		);
	});

	it("finds with firstSlotAtOrAfter the first slot a long enough window would return", () => {
		fc.assert(
			fc.property(ruleAndWindowArb, ({ rule, window }) => {
				const first = firstSlotAtOrAfter(rule, window.from);
				// Windows open at most 30 days before startDate and interval ≤ 4, so an ongoing series
				// has a slot within 100 days.
				const ahead = expandSlots(rule, {
					from: window.from,
					until: window.from + 100 * MS_PER_DAY,
				});
				expect(first).toEqual(ahead[0] ?? null);
				if (first === null) {
					const farAhead = window.from + 3 * 365 * MS_PER_DAY;
					expect(expandSlots(rule, { from: window.from, until: farAhead })).toEqual([]);
				}
			}),
			RUNS,
		);
	});
});

describe("materializationPlan properties", () => {
	it("returns expandSlots' slots and the next start firstSlotAtOrAfter(until) gives", () => {
		fc.assert(
			fc.property(ruleAndWindowArb, ({ rule, window }) => {
				const plan = materializationPlan(rule, window);
				expect(plan.slots).toEqual(expandSlots(rule, window));
				expect(plan.nextSlotAt).toBe(firstSlotAtOrAfter(rule, window.until)?.start ?? null);
			}),
			RUNS,
		);
	});
});
