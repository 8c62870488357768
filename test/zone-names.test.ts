// A zone is returned under the name the client sent, or that name's current IANA name: never one
// of ICU's legacy ids (Asia/Katmandu, Asia/Calcutta), in JSON or in a feed's TZID.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { api, createOneTime, createPattern, todayPlus } from "./helpers";
import { LEGACY } from "./support/zone-names";

/** Unfolded content lines of a feed. */
const contentLines = (ics: string) => ics.replace(/\r\n /g, "").split("\r\n");

const tomorrow = todayPlus(1);
/** 0 is Monday, as the API counts. */
const weekdayOf = (date: string) => (new Date(`${date}T00:00:00Z`).getUTCDay() + 6) % 7;

/** Three weekly sessions from tomorrow at 09:00 local. */
async function patternIn(timezone: string) {
	const { pattern } = await createPattern({
		timezone,
		weekday: weekdayOf(tomorrow),
		time: "09:00",
		start_date: tomorrow,
		count: 3,
	});
	return pattern;
}

describe("zone names in the API", () => {
	it.each([
		["Asia/Kathmandu", "Asia/Kathmandu"],
		["Asia/Calcutta", "Asia/Kolkata"],
		["Asia/Kolkata", "Asia/Kolkata"],
		["europe/kyiv", "Europe/Kyiv"],
	])("stores, returns and writes into the feed %s as %s", async (sent, stored) => {
		const pattern = await patternIn(sent);
		expect(pattern.timezone).toBe(stored);
		const read = await api("GET", `/api/patterns/${pattern.id}`);
		expect(read.body.timezone).toBe(stored);
		const sessions = await api(
			"GET",
			`/api/patterns/${pattern.id}/occurrences?start=${todayPlus(0)}T00:00:00Z&end=${todayPlus(30)}T00:00:00Z`,
		);
		expect(sessions.body.map((o: any) => o.timezone)).toEqual([stored, stored, stored]);

		const feed = await api("GET", `/api/patterns/${pattern.id}/calendar.ics`);
		expect(feed.status).toBe(200);
		const lines = contentLines(feed.body);
		expect(lines).toContain(`TZID:${stored}`);
		expect(lines.filter((line) => line.startsWith("DTSTART;"))).toEqual([
			`DTSTART;TZID=${stored}:${tomorrow.replaceAll("-", "")}T090000`,
		]);
		expect(feed.body).not.toMatch(/Katmandu|Calcutta|Kiev/);
	});

	it("keeps the instants: 09:00 in Kathmandu is 03:15Z", async () => {
		const pattern = await patternIn("Asia/Kathmandu");
		const sessions = await api(
			"GET",
			`/api/patterns/${pattern.id}/occurrences?start=${todayPlus(0)}T00:00:00Z&end=${todayPlus(30)}T00:00:00Z`,
		);
		expect(sessions.body[0].start_datetime).toBe(`${tomorrow}T03:15:00Z`);
		expect(sessions.body[0].start_local).toBe(`${tomorrow}T09:00:00+05:45`);
	});

	it("names a one-time session's zone the same way", async () => {
		const session = await createOneTime({ timezone: "Asia/Saigon" });
		expect(session.timezone).toBe("Asia/Ho_Chi_Minh");
	});
});

describe("migration 0003: zone names stored before", () => {
	it("renames every legacy id in patterns and sessions, and moves their versions on", async () => {
		const migration = env.TEST_MIGRATIONS.find((m) => m.name.startsWith("0003_"));
		expect(migration?.name).toBe("0003_current_zone_names.sql");
		const patterns: { id: number; legacy: string; current: string; etag: string }[] = [];
		for (const [legacy, current] of Object.entries(LEGACY)) {
			const pattern = await patternIn(current);
			// As the API stored it before: ICU's id.
			await env.DB.batch([
				env.DB.prepare("UPDATE patterns SET timezone = ? WHERE id = ?").bind(legacy, pattern.id),
				env.DB.prepare("UPDATE occurrences SET timezone = ? WHERE pattern_id = ?").bind(
					legacy,
					pattern.id,
				),
			]);
			const before = await api("GET", `/api/patterns/${pattern.id}`);
			expect(before.body.timezone).toBe(legacy);
			patterns.push({ id: pattern.id, legacy, current, etag: before.headers.get("ETag") ?? "" });
		}
		const kept = await patternIn("Europe/Paris");
		const keptEtag = (await api("GET", `/api/patterns/${kept.id}`)).headers.get("ETag");

		for (const query of migration?.queries ?? []) await env.DB.prepare(query).run();

		for (const { id, current, etag } of patterns) {
			const after = await api("GET", `/api/patterns/${id}`);
			expect(after.body.timezone).toBe(current);
			expect(after.headers.get("ETag")).not.toBe(etag);
			const { results } = await env.DB.prepare(
				"SELECT DISTINCT timezone FROM occurrences WHERE pattern_id = ?",
			)
				.bind(id)
				.all<{ timezone: string }>();
			expect(results).toEqual([{ timezone: current }]);
		}
		const untouched = await api("GET", `/api/patterns/${kept.id}`);
		expect(untouched.body.timezone).toBe("Europe/Paris");
		expect(untouched.headers.get("ETag")).toBe(keptEtag);
	});
});
