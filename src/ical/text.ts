// RFC 5545 content lines: https://www.rfc-editor.org/rfc/rfc5545#section-3.1
import { zonedIso } from "../recurrence";

const MAX_LINE_OCTETS = 75;

/** TEXT values (§3.3.11): backslash, semicolon, comma and line breaks are escaped. */
export function escapeText(text: string): string {
	return (
		text
			.replace(/[\\;,]/g, (char) => `\\${char}`)
			.replace(/\r\n|\r|\n/g, "\\n")
			// Other control characters are not allowed in TEXT at all (§3.3.11, TSAFE-CHAR).
			// biome-ignore lint/suspicious/noControlCharactersInRegex: removing them is the point
			.replace(/[\x00-\x08\x0b-\x1f\x7f]/g, "")
	);
}

const utf8Length = (codePoint: number) =>
	codePoint < 0x80 ? 1 : codePoint < 0x800 ? 2 : codePoint < 0x10000 ? 3 : 4;

/**
 * Folds a line longer than 75 octets (§3.1): CRLF and one space before each continuation, whose
 * leading space counts toward its 75. Splits only between characters, never inside a UTF-8 sequence.
 */
export function foldLine(line: string): string {
	const parts: string[] = [];
	let part = "";
	let octets = 0;
	for (const char of line) {
		const size = utf8Length(char.codePointAt(0) ?? 0);
		const room = parts.length === 0 ? MAX_LINE_OCTETS : MAX_LINE_OCTETS - 1;
		if (octets + size > room) {
			parts.push(part);
			part = "";
			octets = 0;
		}
		part += char;
		octets += size;
	}
	parts.push(part);
	return parts.join("\r\n ");
}

/** One unfolded content line: NAME;PARAM=value:VALUE. IANA zone names need no quoting. */
export function contentLine(name: string, value: string, params: Record<string, string> = {}) {
	const rendered = Object.entries(params)
		.map(([key, param]) => `;${key}=${/[:;,]/.test(param) ? `"${param}"` : param}`)
		.join("");
	return `${name}${rendered}:${value}`;
}

/** "YYYY-MM-DDTHH:MM:SS" (a local date-time) as iCalendar's "YYYYMMDDTHHMMSS". */
export const compactLocal = (local: string) => local.replaceAll("-", "").replaceAll(":", "");

/** A UTC DATE-TIME, "YYYYMMDDTHHMMSSZ" (§3.3.5 form 2); whole seconds. */
export const utcStamp = (instant: number) =>
	`${compactLocal(new Date(Math.floor(instant / 1000) * 1000).toISOString().slice(0, 19))}Z`;

/** The wall-clock "YYYY-MM-DDTHH:MM:SS" at which an instant happens in a zone. */
export const localOf = (instant: number, timeZone: string) =>
	zonedIso(instant, timeZone).slice(0, 19);

/** A DURATION of whole minutes (§3.3.6); minutes, not days, so it is exact across DST. */
export const minutesDuration = (minutes: number) => `PT${minutes}M`;
