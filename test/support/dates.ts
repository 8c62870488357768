// Calendar arithmetic for tests whose data must sit inside the materialized horizon, which moves
// with the clock: every date is computed from today.
import { Temporal } from "temporal-polyfill";
import { afterEach, beforeEach, vi } from "vitest";

export { addDays } from "../../src/recurrence";

/** "YYYY-MM-DD" of the UTC day `days` from today. */
export function todayPlus(days: number): string {
	return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
}

/**
 * Freezes the Worker's clock at `iso` for every test of the calling file, so "today", the horizon
 * and created_at are exact. Only Date is faked: timers stay real, which D1 I/O needs.
 */
export function useClock(iso: string) {
	beforeEach(() => {
		vi.useFakeTimers({ toFake: ["Date"] });
		vi.setSystemTime(new Date(iso));
	});
	afterEach(() => {
		vi.useRealTimers();
	});
}

/** The first date on or after `date` that falls on `weekday` (0 = Monday … 6 = Sunday). */
export function weekdayOnOrAfter(date: string, weekday: number): string {
	const day = Temporal.PlainDate.from(date);
	return day.add({ days: (weekday - (day.dayOfWeek - 1) + 7) % 7 }).toString();
}

/** The Monday opening the ISO week that holds `date`. */
export const mondayOf = (date: string) =>
	Temporal.PlainDate.from(date)
		.subtract({ days: Temporal.PlainDate.from(date).dayOfWeek - 1 })
		.toString();

/** The UTC instant of a wall-clock time in a zone, as the API writes it ("…Z"). */
export function instantOf(date: string, time: string, timeZone: string): string {
	return Temporal.PlainDateTime.from(`${date}T${time}`)
		.toZonedDateTime(timeZone)
		.toInstant()
		.toString();
}

/**
 * The local date of the first DST change in `timeZone` at least `minDays` from today: tests put
 * their series around it so that they cross it inside the materialized window.
 */
export function nextTransitionDate(timeZone: string, minDays: number): string {
	const from = Temporal.PlainDate.from(todayPlus(minDays)).toZonedDateTime({ timeZone });
	const next = from.getTimeZoneTransition("next");
	if (!next) throw new Error(`${timeZone} has no DST`);
	return next.toPlainDate().toString();
}
