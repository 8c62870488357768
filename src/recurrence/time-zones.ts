// Reading instants in a zone, and checking zone names, through Temporal:
// https://tc39.es/proposal-temporal/docs/zoneddatetime.html
import { Temporal } from "temporal-polyfill";

// IANA names are letters, digits and "/_-+" ("Etc/GMT+5", "America/Port-au-Prince"). Temporal also
// takes offsets ("+05:00") as zone ids; they are not IANA names, so the first letter rules them out.
const IANA_NAME = /^[A-Za-z][A-Za-z0-9_+\-/]{0,254}$/;

/** True for an IANA zone name Temporal/Intl knows ("Europe/Paris", "UTC"); never throws. */
export function isValidTimeZone(name: string): boolean {
	if (typeof name !== "string" || !IANA_NAME.test(name)) return false;
	try {
		new Temporal.ZonedDateTime(0n, name);
		return true;
	} catch {
		return false;
	}
}

/** "2026-03-08T03:30:00-04:00": local date-time with the zone's offset at that instant. */
export function zonedIso(instant: number, timezone: string): string {
	return Temporal.Instant.fromEpochMilliseconds(instant)
		.toZonedDateTimeISO(timezone)
		.toString({ smallestUnit: "second", timeZoneName: "never" });
}

/** The local calendar date ("YYYY-MM-DD") of an instant in a zone. */
export function localDateOf(instant: number, timezone: string): string {
	return Temporal.Instant.fromEpochMilliseconds(instant)
		.toZonedDateTimeISO(timezone)
		.toPlainDate()
		.toString();
}
