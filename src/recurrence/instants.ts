import { Temporal } from "temporal-polyfill";

const MINUTE_MS = 60_000;
export const minutesToMs = (minutes: number) => minutes * MINUTE_MS;

const DAY_MS = 86_400_000;
// 0000-01-01 to 9999-12-31: where Date#toISOString writes four-digit years (the fast path's range).
const FORMAT_FROM = -62_167_219_200_000;
const FORMAT_UNTIL = Date.UTC(10_000, 0, 1);
const TWO_DIGITS = Array.from({ length: 60 }, (_, value) => String(value).padStart(2, "0"));
/** "YYYY-MM-DDT" per epoch day: a range page's rows share a few days, so each is written once. */
const dayPrefixes = new Map<number, string>();
const MAX_DAY_PREFIXES = 4096;

function dayPrefix(day: number): string {
	let prefix = dayPrefixes.get(day);
	if (prefix === undefined) {
		prefix = new Date(day * DAY_MS).toISOString().slice(0, 11);
		if (dayPrefixes.size >= MAX_DAY_PREFIXES) dayPrefixes.clear();
		dayPrefixes.set(day, prefix);
	}
	return prefix;
}

/**
 * "2026-01-06T13:00:00" for an instant (or a wall-clock time written as one), to the second,
 * exactly as Date#toISOString's first 19 characters. A range page writes four of these per row;
 * toISOString costs about a microsecond each, the memoized day and the arithmetic a tenth of it.
 */
export function isoSeconds(instant: number): string {
	if (!(instant >= FORMAT_FROM && instant < FORMAT_UNTIL)) {
		return new Date(instant).toISOString().slice(0, 19);
	}
	const day = Math.floor(instant / DAY_MS);
	const seconds = Math.floor((instant - day * DAY_MS) / 1000);
	const minutes = Math.floor(seconds / 60);
	return `${dayPrefix(day)}${TWO_DIGITS[Math.floor(minutes / 60)]}:${TWO_DIGITS[minutes % 60]}:${TWO_DIGITS[seconds % 60]}`;
}

/** "2026-01-06T13:00:00Z", with milliseconds only when there are some. */
export function isoUtc(instant: number): string {
	const ms = instant % 1000;
	if (ms === 0 && instant >= FORMAT_FROM && instant < FORMAT_UNTIL) {
		return `${isoSeconds(instant)}Z`;
	}
	const iso = new Date(instant).toISOString();
	return iso.endsWith(".000Z") ? `${iso.slice(0, -5)}Z` : iso;
}

const dateTimeShape =
	/^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|z|[+-]\d{2}:?\d{2})?$/;

/**
 * Parses an ISO 8601 date-time to epoch ms. Any offset is accepted; a date-time without one is
 * read as UTC, as the old service (Django with USE_TZ and UTC) did. Returns null for anything
 * that is not a real instant ("2026-02-30T10:00:00Z", "tomorrow", "").
 */
export function parseInstant(text: string): number | null {
	if (!dateTimeShape.test(text)) return null;
	try {
		const hasOffset = /(Z|z|[+-]\d{2}:?\d{2})$/.test(text);
		const instant = hasOffset
			? Temporal.Instant.from(text)
			: Temporal.PlainDateTime.from(text, { overflow: "reject" })
					.toZonedDateTime("UTC")
					.toInstant();
		return instant.epochMilliseconds;
	} catch {
		return null;
	}
}
