import { z } from "@hono/zod-openapi";
import {
	canonicalTimeZone,
	isRealDate,
	isRealTime,
	normalizeTime,
	parseInstant,
} from "../recurrence";

/**
 * Input limits, enforced by the schemas below and by the routes' schemas, and listed in
 * the README, "Limits". Each bounds the work or storage one request can cause; a request past one
 * is a 400 (413 for the body) naming the field in `errors[].path`.
 */
export const limits = {
	/** title: characters (Unicode code points, as JSON Schema's maxLength counts them). */
	titleLength: 200,
	/** description: characters. */
	descriptionLength: 5000,
	/** weekdays: entries (each 0–6, no repeats). */
	maxWeekdays: 7,
	/** interval: weeks between active weeks. */
	maxInterval: 52,
	/** count: sessions in a series. */
	maxCount: 1000,
	/** months_ahead on create and on the materialize job. */
	maxMonthsAhead: 12,
	/** months_ahead when a create does not say (the contract's default). */
	defaultMonthsAhead: 3,
	/** Rows per page when `limit` is not given. */
	defaultListLimit: 500,
	/** `limit` of list endpoints. */
	maxListLimit: 2000,
	/** Request body, in bytes (413 past it). */
	bodyBytes: 64 * 1024,
	/**
	 * Sessions one request may create: a pattern create (its history from start_date included,
	 * also when generate_occurrences=false leaves them to the next materialization), an edit or a
	 * split that regenerates slots, one run of the materialize job. A daily class for 12 months
	 * ahead is 366 of them, so this leaves about 20 months of daily history. With the text limit
	 * below, one request stores at most about 2.3 MB in D1 (README, "Input limits").
	 * MAX_SESSIONS_PER_WRITE (wrangler.toml) may set another value (config.ts, writeBudget).
	 */
	maxSessionsPerWrite: 1000,
	/**
	 * Bytes of title and description one request may copy into sessions (each session stores
	 * its own copy): sessions × UTF-8 bytes of the pattern's title and description. 2 MiB holds a
	 * daily class for 12 months ahead with a 5,000-character description in ASCII.
	 * MAX_SESSION_TEXT_BYTES_PER_WRITE may set another value.
	 */
	maxSessionTextBytesPerWrite: 2 * 1024 * 1024,
} as const;

/** Characters as people (and JSON Schema's maxLength) count them: code points, not UTF-16 units. */
function characters(text: string): number {
	let count = 0;
	for (const _ of text) count++;
	return count;
}

/** An unpaired surrogate has no UTF-8 form: storage would silently turn it into U+FFFD. */
const unpairedSurrogate = /\p{Cs}/u;

/** Text of at most `max` characters, of valid Unicode. */
export function boundedText(
	field: string,
	max: number,
	min = 0,
	blank = `${field} may not be blank.`,
) {
	return z
		.string()
		.refine((value) => !unpairedSurrogate.test(value), {
			message: `${field} must be valid Unicode text (it has an unpaired surrogate).`,
			abort: true,
		})
		.refine((value) => characters(value) >= min, { message: blank, abort: true })
		.refine((value) => characters(value) <= max, `${field} is at most ${max} characters.`)
		.openapi({ minLength: min, maxLength: max });
}

export const title = boundedText("Title", limits.titleLength, 1, "Title may not be blank.").openapi(
	{
		example: "Morning yoga",
	},
);

export const description = boundedText("Description", limits.descriptionLength).openapi({
	example: "Bring a mat.",
});

export const durationMinutes = z
	.number()
	.int("Duration must be a whole number of minutes.")
	.min(1, "Duration is at least 1 minute.")
	.max(1440, "Duration is at most 1440 minutes (one day).")
	.openapi({ example: 60 });

export const weekday = z
	.number()
	.int()
	.min(0, "Weekday is 0 (Monday) to 6 (Sunday).")
	.max(6, "Weekday is 0 (Monday) to 6 (Sunday).")
	.openapi({ example: 1, description: "0 = Monday … 6 = Sunday" });

const yearsMessage = "Must be between 1970 and 2199.";

export const calendarDate = z
	.string()
	// abort: a string that is no date at all gets one message, not also the range one.
	.refine(isRealDate, { message: "Must be a real calendar date, YYYY-MM-DD.", abort: true })
	.refine((date) => date >= "1970-01-01" && date <= "2199-12-31", yearsMessage)
	.openapi({ format: "date", example: "2026-01-06" });

export const wallTime = z
	.string()
	// The old service (Django's TimeField) also took a one-digit hour: "7:30".
	.transform((time) => (/^\d:/.test(time) ? `0${time}` : time))
	.refine(isRealTime, "Must be a time HH:MM or HH:MM:SS between 00:00 and 23:59:59.")
	.transform(normalizeTime)
	.openapi({ type: "string", example: "14:00:00" });

/** A string parsed by `parse`; what it cannot parse (null or undefined) is one field error. */
function parsedString<T>(parse: (text: string) => T | null | undefined, message: string) {
	return z.string().transform((text, ctx) => {
		const value = parse(text);
		if (value === null || value === undefined) {
			ctx.addIssue({ code: "custom", message });
			return z.NEVER;
		}
		return value;
	});
}

// Stored as the zone's current IANA name ("europe/paris" -> "Europe/Paris", "Asia/Calcutta" ->
// "Asia/Kolkata"), never one of ICU's legacy ids.
export const timeZone = parsedString(
	canonicalTimeZone,
	"Unknown time zone; use an IANA name such as Europe/Paris.",
).openapi({ type: "string", example: "Europe/Paris" });

export const instant = parsedString(
	parseInstant,
	"Must be an ISO 8601 date-time, e.g. 2026-01-06T14:00:00Z.",
).openapi({ type: "string", format: "date-time", example: "2026-01-06T13:00:00Z" });

/** The largest path id: 15 digits stay exact in a double and within SQLite's integers. */
export const maxId = 999_999_999_999_999;

/** A path id: 1 to 15 digits, not zero (leading zeros allowed), else null. */
export function parsePathId(raw: string): number | null {
	if (!/^\d{1,15}$/.test(raw) || Number(raw) === 0) return null;
	return Number(raw);
}

/**
 * Path ids of `what` ("Pattern"), parsed once here into a positive integer, and typed `integer` in
 * the document. Anything else names no resource: the issue carries the 404's detail, and the
 * validation hook answers a path that fails its schema with 404, as the old service's `<int:pk>`
 * routes did.
 */
export function idParam(what: string) {
	return z.object({
		id: z
			.string()
			.transform((raw, ctx) => {
				const id = parsePathId(raw);
				if (id !== null) return id;
				ctx.addIssue({ code: "custom", message: `${what} ${raw} does not exist.` });
				return z.NEVER;
			})
			.openapi({
				param: { name: "id", in: "path" },
				type: "integer",
				minimum: 1,
				maximum: maxId,
				example: 42,
			}),
	});
}

/**
 * A session's start: an instant within the years calendar dates allow, so that its end still
 * formats as a plain four-digit-year ISO 8601 date-time.
 */
export const sessionStart = instant.refine(
	(ms) => ms >= Date.UTC(1970, 0, 1) && ms < Date.UTC(2200, 0, 1),
	yearsMessage,
);

/** A calendar id in a create body: omitted, the default calendar (see docs/calendars.md). */
export const calendarIdField = z
	.number()
	.int("A calendar id is a positive integer.")
	.min(1, "A calendar id is a positive integer.")
	.max(maxId, "A calendar id is a positive integer.")
	.openapi({
		example: 1,
		description:
			"The calendar it belongs to; omitted: the default calendar (1), or a scoped key's first calendar",
	});

/** `?calendar_id=` on lists and range queries: only that calendar's rows (none if not visible). */
export const calendarIdQuery = z.coerce
	.number()
	.int("calendar_id is a positive integer.")
	.min(1, "calendar_id is a positive integer.")
	.max(maxId, "calendar_id is a positive integer.")
	.optional()
	.openapi({
		type: "integer",
		minimum: 1,
		example: 1,
		description: "Only this calendar's rows (a calendar the key cannot see gives none)",
	});
