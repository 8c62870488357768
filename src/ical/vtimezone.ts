// VTIMEZONE components (RFC 5545 §3.6.5) built from the zone's real transitions, as Temporal knows
// them, so that a client without a time zone database still converts every local time right:
// https://tc39.es/proposal-temporal/docs/zoneddatetime.html#getTimeZoneTransition
import { Temporal } from "temporal-polyfill";
import { compactLocal, contentLine, escapeText } from "./text";

const NS_PER_MS = 1_000_000;
const MEMO_LIMIT = 64;
const memo = new Map<string, string[]>();

/** ±HHMM, or ±HHMMSS for the odd historical offset (§3.3.14). */
function utcOffset(offsetNs: number): string {
	const totalSeconds = Math.round(offsetNs / 1e9);
	const sign = totalSeconds < 0 ? "-" : "+";
	const abs = Math.abs(totalSeconds);
	const pad = (value: number) => String(value).padStart(2, "0");
	const seconds = abs % 60;
	return `${sign}${pad(Math.floor(abs / 3600))}${pad(Math.floor(abs / 60) % 60)}${seconds ? pad(seconds) : ""}`;
}

/** The wall-clock time at `epochMs` under `offsetNs`, as "YYYY-MM-DDTHH:MM:SS". */
const wallClock = (epochMs: number, offsetNs: number) =>
	new Date(epochMs + offsetNs / NS_PER_MS).toISOString().slice(0, 19);

function abbreviation(format: Intl.DateTimeFormat, epochMs: number): string | undefined {
	return format.formatToParts(epochMs).find((part) => part.type === "timeZoneName")?.value;
}

interface Observance {
	kind: "STANDARD" | "DAYLIGHT";
	/** Local wall-clock time of the change, in the offset in force before it. */
	start: string;
	from: number;
	to: number;
	epochMs: number;
}

/**
 * The VTIMEZONE for `timeZone` covering local years fromYear…toYear: one observance for the
 * offset in force on January 1 of fromYear, then one per transition, each with a single DTSTART.
 * A change to a larger offset is DAYLIGHT, to a smaller one STANDARD.
 */
export function vtimezone(timeZone: string, fromYear: number, toYear: number): string[] {
	const key = `${timeZone}|${fromYear}|${toYear}`;
	const known = memo.get(key);
	if (known) return known;

	const first = Temporal.PlainDate.from({ year: fromYear, month: 1, day: 1 }).toZonedDateTime({
		timeZone,
	});
	const end = Temporal.PlainDate.from({ year: toYear + 1, month: 1, day: 1 }).toZonedDateTime({
		timeZone,
	}).epochMilliseconds;
	const changes: Observance[] = [];
	let at = first;
	for (;;) {
		const next = at.getTimeZoneTransition("next");
		if (next === null || next.epochMilliseconds >= end) break;
		const from = at.offsetNanoseconds;
		const to = next.offsetNanoseconds;
		changes.push({
			kind: to > from ? "DAYLIGHT" : "STANDARD",
			start: wallClock(next.epochMilliseconds, from),
			from,
			to,
			epochMs: next.epochMilliseconds,
		});
		at = next;
	}
	const initialOffset = first.offsetNanoseconds;
	// January 1 is daylight time when the year's first change lowers the offset (southern summer).
	const initialKind = changes[0] && changes[0].to < initialOffset ? "DAYLIGHT" : "STANDARD";
	const observances: Observance[] = [
		{
			kind: initialKind,
			start: first.toPlainDateTime().toString({ smallestUnit: "second" }),
			from: initialOffset,
			to: initialOffset,
			epochMs: first.epochMilliseconds,
		},
		...changes,
	];

	const format = new Intl.DateTimeFormat("en-US", { timeZone, timeZoneName: "short" });
	const lines = [contentLine("BEGIN", "VTIMEZONE"), contentLine("TZID", timeZone)];
	for (const observance of observances) {
		const name = abbreviation(format, observance.epochMs);
		lines.push(
			contentLine("BEGIN", observance.kind),
			contentLine("DTSTART", compactLocal(observance.start)),
			contentLine("TZOFFSETFROM", utcOffset(observance.from)),
			contentLine("TZOFFSETTO", utcOffset(observance.to)),
			...(name ? [contentLine("TZNAME", escapeText(name))] : []),
			contentLine("END", observance.kind),
		);
	}
	lines.push(contentLine("END", "VTIMEZONE"));

	if (memo.size >= MEMO_LIMIT) memo.delete(memo.keys().next().value ?? "");
	memo.set(key, lines);
	return lines;
}
