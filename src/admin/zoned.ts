// Calendar arithmetic for the pages: days, weeks and months as seen in the viewer's time zone.
// Day boundaries come from Temporal, so a 23- or 25-hour DST day is still one day.
import { Temporal } from "temporal-polyfill";
import { canonicalTimeZone, isValidTimeZone } from "../recurrence";

/** Zones offered where a short list reads better than ~400 names (the calendar's zone picker). */
export const COMMON_ZONES = [
	"UTC",
	"Europe/London",
	"Europe/Paris",
	"Europe/Berlin",
	"Europe/Madrid",
	"Europe/Helsinki",
	"America/New_York",
	"America/Chicago",
	"America/Denver",
	"America/Los_Angeles",
	"America/Sao_Paulo",
	"Africa/Johannesburg",
	"Asia/Dubai",
	"Asia/Kolkata",
	"Asia/Singapore",
	"Asia/Tokyo",
	"Australia/Sydney",
	"Pacific/Auckland",
];

let allZones: string[] | undefined;

/**
 * Every zone the runtime knows, under the names the API stores (current IANA names, not ICU's
 * legacy ids), UTC first: the choice in pattern and session forms.
 */
export function allTimeZones(): string[] {
	allZones ??= [
		"UTC",
		...[...new Set(Intl.supportedValuesOf("timeZone").map((zone) => canonicalTimeZone(zone)))]
			.filter((zone): zone is string => zone !== undefined && zone !== "UTC")
			.sort(),
	];
	return allZones;
}

export const zoneOr = (candidate: string | undefined, fallback: string) =>
	candidate && isValidTimeZone(candidate) ? candidate : fallback;

/** The local date ("YYYY-MM-DD") and time ("HH:MM") of an instant in a zone. */
export function localParts(instant: number, timezone: string) {
	const zoned = Temporal.Instant.fromEpochMilliseconds(instant).toZonedDateTimeISO(timezone);
	return {
		date: zoned.toPlainDate().toString(),
		time: zoned.toPlainTime().toString({ smallestUnit: "minute" }),
	};
}

export const todayIn = (timezone: string, now: number) => localParts(now, timezone).date;

/** The Monday of the ISO week holding `date`. */
export function mondayOf(date: string): string {
	const day = Temporal.PlainDate.from(date);
	return day.subtract({ days: day.dayOfWeek - 1 }).toString();
}

/** A date written as "YYYY-MM-DD" that Temporal accepts, or undefined. */
export function realDate(text: string | undefined): string | undefined {
	if (!text || !/^\d{4}-\d{2}-\d{2}$/.test(text)) return undefined;
	try {
		return Temporal.PlainDate.from(text, { overflow: "reject" }).toString();
	} catch {
		return undefined;
	}
}

/**
 * An ISO 8601 date-time with the zone's offset for a local date and time ("2026-03-08T02:30" in
 * New York gives "2026-03-08T03:30:00-04:00", RFC 5545's forward shift), or the raw text when the
 * inputs are not a real date and time, so the API's own validation reports them.
 */
export function zonedDateTime(date: string, time: string, timezone: string): string {
	try {
		return Temporal.PlainDateTime.from(`${date}T${time}`, { overflow: "reject" })
			.toZonedDateTime(timezone, { disambiguation: "compatible" })
			.toString({ timeZoneName: "never", smallestUnit: "second" });
	} catch {
		return `${date}T${time}`;
	}
}

const dayFormat = new Intl.DateTimeFormat("en-GB", {
	weekday: "short",
	day: "numeric",
	month: "short",
	timeZone: "UTC",
});
const longDayFormat = new Intl.DateTimeFormat("en-GB", {
	weekday: "long",
	day: "numeric",
	month: "long",
	year: "numeric",
	timeZone: "UTC",
});
const monthFormat = new Intl.DateTimeFormat("en-GB", {
	month: "long",
	year: "numeric",
	timeZone: "UTC",
});

const utcNoon = (date: string) => new Date(`${date}T12:00:00Z`);
/** "Mon 24 Nov" */
export const shortDay = (date: string) => dayFormat.format(utcNoon(date));
/** "Monday 24 November 2026" */
export const longDay = (date: string) => longDayFormat.format(utcNoon(date));
/** "November 2026" for "2026-11" */
export const monthName = (month: string) => monthFormat.format(utcNoon(`${month}-01`));
