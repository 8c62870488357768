// Reading instants in a zone, and checking zone names, through Temporal:
// https://tc39.es/proposal-temporal/docs/zoneddatetime.html
import { Temporal } from "temporal-polyfill";
import { isoSeconds } from "./instants";
import { offsetAt } from "./wall-clock";

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

/**
 * Zone ids ICU (so Intl in workerd) still answers, from resolvedOptions() and
 * supportedValuesOf("timeZone"), that IANA has since renamed, each to its current name (tzdata's
 * `backward` file). The current names work everywhere the old ones do: Intl and Temporal accept
 * both and give the same offsets.
 */
const RENAMED_ZONES = new Map([
	["Africa/Asmera", "Africa/Asmara"],
	["America/Buenos_Aires", "America/Argentina/Buenos_Aires"],
	["America/Catamarca", "America/Argentina/Catamarca"],
	["America/Coral_Harbour", "America/Atikokan"],
	["America/Cordoba", "America/Argentina/Cordoba"],
	["America/Godthab", "America/Nuuk"],
	["America/Indianapolis", "America/Indiana/Indianapolis"],
	["America/Jujuy", "America/Argentina/Jujuy"],
	["America/Louisville", "America/Kentucky/Louisville"],
	["America/Mendoza", "America/Argentina/Mendoza"],
	["Asia/Calcutta", "Asia/Kolkata"],
	["Asia/Katmandu", "Asia/Kathmandu"],
	["Asia/Rangoon", "Asia/Yangon"],
	["Asia/Saigon", "Asia/Ho_Chi_Minh"],
	["Atlantic/Faeroe", "Atlantic/Faroe"],
	["Europe/Kiev", "Europe/Kyiv"],
	["Pacific/Enderbury", "Pacific/Kanton"],
	["Pacific/Ponape", "Pacific/Pohnpei"],
	["Pacific/Truk", "Pacific/Chuuk"],
]);

/**
 * The name a zone is stored and returned under, or undefined for a name that is no zone: the
 * current IANA name of the zone `name` links to, in its proper case ("asia/calcutta" and
 * "Asia/Kolkata" -> "Asia/Kolkata", "US/Eastern" -> "America/New_York", "Etc/UTC" -> "UTC").
 * Intl resolves links and case to ICU's id, which may be a name IANA has since renamed.
 */
export function canonicalTimeZone(name: string): string | undefined {
	if (!isValidTimeZone(name)) return undefined;
	const icuId = new Intl.DateTimeFormat("en", { timeZone: name }).resolvedOptions().timeZone;
	return RENAMED_ZONES.get(icuId) ?? icuId;
}

// Years 1970–9999: where Date#toISOString writes the date as Temporal does.
const FAST_LOCAL_LIMIT = Date.UTC(10_000, 0, 1);
const twoDigits = (value: number) => String(value).padStart(2, "0");
/** "+05:30" per whole-minute offset: a zone has a few. */
const offsetTexts = new Map<number, string>();

function offsetText(offsetMs: number): string {
	let text = offsetTexts.get(offsetMs);
	if (text === undefined) {
		const minutes = Math.abs(offsetMs) / 60_000;
		const sign = offsetMs < 0 ? "-" : "+";
		text = `${sign}${twoDigits(Math.floor(minutes / 60))}:${twoDigits(minutes % 60)}`;
		offsetTexts.set(offsetMs, text);
	}
	return text;
}

/**
 * "2026-03-08T03:30:00-04:00": local date-time with the zone's offset at that instant. A range
 * query formats one per row, and Temporal takes about 10 µs each, so the offset comes from the
 * memo in wall-clock.ts and the text from isoSeconds (instants.ts); offsets that are not whole
 * minutes (zones' old local mean times, which Temporal rounds when printing) and far years still
 * go to Temporal.
 */
export function zonedIso(instant: number, timezone: string): string {
	const offsetMs = offsetAt(timezone, instant);
	const local = instant + offsetMs;
	if (offsetMs % 60_000 === 0 && local >= 0 && local < FAST_LOCAL_LIMIT) {
		return `${isoSeconds(local)}${offsetText(offsetMs)}`;
	}
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

/** Epoch ms of the first instant of a local date in a zone (not always 00:00: some zones skip midnight). */
export function startOfLocalDay(date: string, timeZone: string): number {
	return Temporal.PlainDate.from(date).toZonedDateTime({ timeZone }).epochMilliseconds;
}
