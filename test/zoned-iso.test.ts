// zonedIso answers from an offset memo instead of asking Temporal for every row; it must still
// write exactly what Temporal writes, around DST changes and odd offsets included.
import fc from "fast-check";
import { Temporal } from "temporal-polyfill";
import { describe, expect, it } from "vitest";
import { isoUtc, zonedIso } from "../src/recurrence";

const ZONES = [
	"UTC",
	"Europe/Paris",
	"America/New_York",
	"America/St_Johns",
	"Asia/Kathmandu",
	"Australia/Lord_Howe",
	"Pacific/Chatham",
	"Pacific/Apia",
	"Africa/Casablanca",
	"Europe/Dublin",
];

const viaTemporal = (instant: number, zone: string) =>
	Temporal.Instant.fromEpochMilliseconds(instant)
		.toZonedDateTimeISO(zone)
		.toString({ smallestUnit: "second", timeZoneName: "never" });

/** Instants a few seconds around each of a zone's offset changes between 1970 and 2040. */
function transitionsOf(zone: string): number[] {
	const instants: number[] = [];
	let at: Temporal.ZonedDateTime | null =
		Temporal.Instant.fromEpochMilliseconds(0).toZonedDateTimeISO(zone);
	for (let step = 0; step < 200 && at !== null && at.year < 2040; step++) {
		at = at.getTimeZoneTransition("next");
		if (at)
			for (const delta of [-1_001, -1, 0, 1, 999]) instants.push(at.epochMilliseconds + delta);
	}
	return instants;
}

describe("zonedIso", () => {
	it("writes what Temporal writes at every offset change since 1970", () => {
		for (const zone of ZONES) {
			for (const instant of transitionsOf(zone)) {
				expect(zonedIso(instant, zone)).toBe(viaTemporal(instant, zone));
			}
		}
	});

	it("writes what Temporal writes for any instant from 1900 to 2200", () => {
		fc.assert(
			fc.property(
				fc.integer({ min: Date.UTC(1900, 0, 1), max: Date.UTC(2200, 0, 1) }),
				fc.constantFrom(...ZONES),
				(instant, zone) => zonedIso(instant, zone) === viaTemporal(instant, zone),
			),
			{ numRuns: 5_000 },
		);
	});
});

describe("isoUtc", () => {
	// The contract's UTC text: toISOString without ".000" when there are no milliseconds.
	const viaDate = (instant: number) => {
		const iso = new Date(instant).toISOString();
		return iso.endsWith(".000Z") ? `${iso.slice(0, -5)}Z` : iso;
	};
	const edges = [
		-62_167_219_200_001,
		-62_167_219_200_000,
		-1,
		0,
		999,
		1_000,
		86_399_999,
		86_400_000,
		Date.UTC(9999, 11, 31, 23, 59, 59),
		Date.UTC(10_000, 0, 1),
		8.64e15,
	];

	it("writes what Date writes at the edges of its fast path", () => {
		for (const instant of edges) expect(isoUtc(instant)).toBe(viaDate(instant));
	});

	it("writes what Date writes for any instant in years 0–9999 and beyond, to the millisecond", () => {
		fc.assert(
			fc.property(fc.integer({ min: -8.64e15, max: 8.64e15 }), (instant) => {
				expect(isoUtc(instant)).toBe(viaDate(instant));
			}),
			{ numRuns: 5_000 },
		);
		fc.assert(
			fc.property(fc.integer({ min: -2_000_000_000, max: 8_000_000_000 }), (seconds) => {
				expect(isoUtc(seconds * 1000)).toBe(viaDate(seconds * 1000));
			}),
			{ numRuns: 5_000 },
		);
	});
});
