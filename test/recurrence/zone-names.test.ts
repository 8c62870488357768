// Zone names as the API stores and returns them: the current IANA name, never one of the legacy
// ids ICU still answers (Intl in workerd resolves "Asia/Kathmandu" to "Asia/Katmandu").
import { Temporal } from "temporal-polyfill";
import { describe, expect, it } from "vitest";
import { allTimeZones } from "../../src/admin/zoned";
import { canonicalTimeZone } from "../../src/recurrence";
import { LEGACY } from "../support/zone-names";

/** Other links and spellings clients send: case, UTC's aliases, old country-style names. */
const OTHER_ALIASES = [
	"asia/kathmandu",
	"ASIA/CALCUTTA",
	"europe/kyiv",
	"Europe/Uzhgorod",
	"US/Eastern",
	"Etc/UTC",
	"GMT",
	"utc",
	"Etc/GMT+5",
];

const listed = Intl.supportedValuesOf("timeZone");
const everyName = [...new Set([...listed, ...Object.values(LEGACY), ...OTHER_ALIASES])];

/** Instants across decades and both halves of the year, where DST zones differ. */
const INSTANTS = [
	"1995-01-15T12:00:00Z",
	"2010-07-15T12:00:00Z",
	"2024-03-31T01:30:00Z",
	"2026-01-15T12:00:00Z",
	"2026-07-15T12:00:00Z",
	"2040-10-01T00:00:00Z",
].map((iso) => Temporal.Instant.from(iso));

const offsets = (zone: string) =>
	INSTANTS.map((instant) => instant.toZonedDateTimeISO(zone).offsetNanoseconds);

describe("canonicalTimeZone", () => {
	it("the runtime still lists legacy ids (the reason this exists)", () => {
		expect(listed).toContain("Asia/Katmandu");
		expect(
			new Intl.DateTimeFormat("en", { timeZone: "Asia/Kathmandu" }).resolvedOptions().timeZone,
		).toBe("Asia/Katmandu");
	});

	it("never answers a legacy id, for every listed name, every current name and other aliases", () => {
		const legacyAnswers = everyName.filter((name) => {
			const zone = canonicalTimeZone(name);
			return zone === undefined || zone in LEGACY;
		});
		expect(legacyAnswers).toEqual([]);
	});

	it("renames each legacy id to its current name, and keeps the current name", () => {
		for (const [legacy, current] of Object.entries(LEGACY)) {
			expect(canonicalTimeZone(legacy)).toBe(current);
			expect(canonicalTimeZone(current)).toBe(current);
		}
	});

	it("is stable: the canonical name of a canonical name is itself", () => {
		const unstable = everyName.filter((name) => {
			const zone = canonicalTimeZone(name) ?? "";
			return canonicalTimeZone(zone) !== zone;
		});
		expect(unstable).toEqual([]);
	});

	it("names a zone Temporal and Intl accept, with the same offsets as the name sent", () => {
		const differing = everyName.filter((name) => {
			const zone = canonicalTimeZone(name) ?? "";
			new Intl.DateTimeFormat("en", { timeZone: zone }).format(0);
			return JSON.stringify(offsets(zone)) !== JSON.stringify(offsets(name));
		});
		expect(differing).toEqual([]);
	});

	it("fixes case, resolves links and keeps UTC as UTC", () => {
		expect(canonicalTimeZone("asia/kathmandu")).toBe("Asia/Kathmandu");
		expect(canonicalTimeZone("ASIA/CALCUTTA")).toBe("Asia/Kolkata");
		expect(canonicalTimeZone("Europe/Uzhgorod")).toBe("Europe/Kyiv");
		expect(canonicalTimeZone("US/Eastern")).toBe("America/New_York");
		expect(canonicalTimeZone("europe/paris")).toBe("Europe/Paris");
		for (const utc of ["UTC", "utc", "Etc/UTC", "Etc/GMT", "GMT", "Etc/Universal", "Zulu"]) {
			expect(canonicalTimeZone(utc)).toBe("UTC");
		}
	});

	it("answers undefined for a name that is no zone", () => {
		for (const name of ["Mars/Olympus_Mons", "", "+05:45", "Asia/Kathmandu ", "Etc/GMT+99"]) {
			expect(canonicalTimeZone(name)).toBeUndefined();
		}
	});
});

describe("the admin forms' zone list", () => {
	it("offers every zone once, under its canonical name, UTC first", () => {
		const zones = allTimeZones();
		expect(zones[0]).toBe("UTC");
		expect(new Set(zones).size).toBe(zones.length);
		expect(zones.filter((zone) => zone in LEGACY)).toEqual([]);
		expect(zones.filter((zone) => canonicalTimeZone(zone) !== zone)).toEqual([]);
		expect(zones).toEqual(
			expect.arrayContaining(["Asia/Kathmandu", "Asia/Kolkata", "Europe/Kyiv"]),
		);
		expect(new Set(zones)).toEqual(
			new Set(["UTC", ...listed.map((zone) => canonicalTimeZone(zone))]),
		);
		expect(zones.slice(1)).toEqual([...zones.slice(1)].sort());
	});
});
