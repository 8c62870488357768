// Plain calendar helpers: dates and wall-clock times with no time zone attached.
// Dates are "YYYY-MM-DD" in the proleptic Gregorian (ISO 8601) calendar, the one Temporal's
// PlainDate uses: https://tc39.es/proposal-temporal/docs/plaindate.html
import { Temporal } from "temporal-polyfill";

export const MS_PER_DAY = 86_400_000;

/** 0 = Monday … 6 = Sunday, the same order as a pattern's `weekday` field. */
export const WEEKDAY_NAMES: readonly string[] = Object.freeze([
	"Monday",
	"Tuesday",
	"Wednesday",
	"Thursday",
	"Friday",
	"Saturday",
	"Sunday",
]);

const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIME_PATTERN = /^(\d{2}):(\d{2})(?::(\d{2}))?$/;

/** True for a real calendar date written exactly as "YYYY-MM-DD" ("2024-02-29" yes, "2023-02-29" no). */
export function isRealDate(date: string): boolean {
	return toEpochDay(date) !== null;
}

/** True for "HH:MM" or "HH:MM:SS" between 00:00 and 23:59:59 (no "24:00", no leap second). */
export function isRealTime(time: string): boolean {
	return timeOfDayMs(time) !== null;
}

/** "14:00" -> "14:00:00"; a time that already has seconds is returned unchanged. */
export function normalizeTime(time: string): string {
	return time.length === 5 ? `${time}:00` : time;
}

/** Plain calendar arithmetic: "2026-02-28" + 1 day = "2026-03-01"; no zone, so no DST. */
export function addDays(date: string, days: number): string {
	return Temporal.PlainDate.from(date).add({ days }).toString();
}

/**
 * Days since 1970-01-01 for a "YYYY-MM-DD" date, or null when it is not a real date.
 * Epoch days make the weekly walk plain integer arithmetic: no objects in the hot loop.
 */
export function toEpochDay(date: string): number | null {
	const match = DATE_PATTERN.exec(date);
	if (!match) return null;
	const year = Number(match[1]);
	const month = Number(match[2]);
	const day = Number(match[3]);
	if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
	// setUTCFullYear, unlike Date.UTC, does not map years 0–99 to 1900–1999.
	return new Date(0).setUTCFullYear(year, month - 1, day) / MS_PER_DAY;
}

/** 0 = Monday … 6 = Sunday for an epoch day (1970-01-01 was a Thursday, index 3). */
export function weekdayOfEpochDay(epochDay: number): number {
	return (((epochDay + 3) % 7) + 7) % 7;
}

/** Epoch day of the Monday that opens the ISO week (Monday–Sunday) holding `epochDay`. */
export function mondayOfEpochDay(epochDay: number): number {
	return epochDay - weekdayOfEpochDay(epochDay);
}

/** Milliseconds after local midnight for "HH:MM[:SS]", or null when it is not a real time. */
export function timeOfDayMs(time: string): number | null {
	const match = TIME_PATTERN.exec(time);
	if (!match) return null;
	const hours = Number(match[1]);
	const minutes = Number(match[2]);
	const seconds = match[3] === undefined ? 0 : Number(match[3]);
	if (hours > 23 || minutes > 59 || seconds > 59) return null;
	return ((hours * 60 + minutes) * 60 + seconds) * 1000;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysInMonth(year: number, month: number): number {
	return month === 2 && isLeapYear(year) ? 29 : (DAYS_IN_MONTH[month - 1] ?? 0);
}

function isLeapYear(year: number): boolean {
	return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}
