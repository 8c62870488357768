// Content-line rules of RFC 5545 §3.1 and §3.3.11, checked on the helpers directly.
import { describe, expect, it } from "vitest";
import { escapeText, foldLine } from "../src/ical/text";
import { vtimezone } from "../src/ical/vtimezone";

const octets = (text: string) => new TextEncoder().encode(text).length;
const unfold = (text: string) => text.replace(/\r\n /g, "");

describe("foldLine", () => {
	it("leaves a line of exactly 75 octets alone and folds the 76th onto a continuation", () => {
		expect(foldLine("x".repeat(75))).toBe("x".repeat(75));
		expect(foldLine("x".repeat(76))).toBe(`${"x".repeat(75)}\r\n x`);
	});

	it("keeps every physical line within 75 octets, counting the continuation's space", () => {
		const folded = foldLine(`SUMMARY:${"y".repeat(300)}`);
		const lines = folded.split("\r\n");
		// 308 octets: 75 on the first line, then 74 after each continuation's space.
		expect(lines.map(octets)).toEqual([75, 75, 75, 75, 12]);
		expect(unfold(folded)).toBe(`SUMMARY:${"y".repeat(300)}`);
	});

	it("never splits a multi-octet character", () => {
		const line = `SUMMARY:${"é".repeat(40)}${"🧘".repeat(20)}漢字`;
		const folded = foldLine(line);
		for (const physical of folded.split("\r\n")) {
			expect(octets(physical)).toBeLessThanOrEqual(75);
			expect(physical).not.toContain("\uFFFD");
		}
		expect(unfold(folded)).toBe(line);
	});
});

describe("escapeText", () => {
	it("escapes backslashes, semicolons, commas and every kind of line break", () => {
		expect(escapeText("a\\b;c,d\ne\r\nf\rg")).toBe("a\\\\b\\;c\\,d\\ne\\nf\\ng");
	});

	it("drops control characters TEXT may not hold, keeping tabs", () => {
		expect(escapeText("bell\u0007 tab\t end\u007f")).toBe("bell tab\t end");
	});
});

describe("vtimezone", () => {
	it("lists each transition with the wall-clock time it happens at and both offsets", () => {
		// TZNAME comes from the runtime's ICU data ("GMT+1", "CET"…); the offsets are what count.
		const lines = vtimezone("Europe/Paris", 2026, 2026).filter(
			(line) => !line.startsWith("TZNAME:"),
		);
		expect(lines.join("\n")).toBe(
			[
				"BEGIN:VTIMEZONE",
				"TZID:Europe/Paris",
				"BEGIN:STANDARD",
				"DTSTART:20260101T000000",
				"TZOFFSETFROM:+0100",
				"TZOFFSETTO:+0100",
				"END:STANDARD",
				"BEGIN:DAYLIGHT",
				"DTSTART:20260329T020000",
				"TZOFFSETFROM:+0100",
				"TZOFFSETTO:+0200",
				"END:DAYLIGHT",
				"BEGIN:STANDARD",
				"DTSTART:20261025T030000",
				"TZOFFSETFROM:+0200",
				"TZOFFSETTO:+0100",
				"END:STANDARD",
				"END:VTIMEZONE",
			].join("\n"),
		);
	});

	it("starts a southern-hemisphere zone's year in daylight time, and a zone without DST plainly", () => {
		const sydney = vtimezone("Australia/Sydney", 2026, 2026);
		expect(sydney.slice(2, 6)).toEqual([
			"BEGIN:DAYLIGHT",
			"DTSTART:20260101T000000",
			"TZOFFSETFROM:+1100",
			"TZOFFSETTO:+1100",
		]);
		const tokyo = vtimezone("Asia/Tokyo", 2020, 2030);
		expect(tokyo.filter((line) => line.startsWith("BEGIN:"))).toEqual([
			"BEGIN:VTIMEZONE",
			"BEGIN:STANDARD",
		]);
		expect(tokyo).toContain("TZOFFSETTO:+0900");
	});
});
