import { describe, expect, it } from "vitest";
import { addDays, weekdayOnOrAfter } from "./dates";
import { api, createOneTime, createPattern, todayPlus } from "./helpers";

const firstMonday = weekdayOnOrAfter(todayPlus(7), 0);
const window = (from: string, days: number) =>
	`start=${from}T00:00:00Z&end=${addDays(from, days)}T00:00:00Z`;
const WINDOW = window(firstMonday, 70);

/** Two series and a one-time session in the same ten weeks. */
async function seedTwoSeries() {
	const { pattern: mondays } = await createPattern({
		title: "Mondays",
		weekday: 0,
		time: "09:00",
		timezone: "UTC",
		start_date: firstMonday,
		count: 8,
	});
	const { pattern: wednesdays } = await createPattern({
		title: "Wednesdays",
		weekday: 2,
		time: "09:00",
		timezone: "UTC",
		start_date: addDays(firstMonday, 2),
		end_date: addDays(firstMonday, 60),
	});
	await createOneTime({ title: "Open house", start_datetime: `${firstMonday}T09:30:00Z` });
	return { mondays, wednesdays };
}

describe("GET /api/patterns/{id}/occurrences", () => {
	it("lists only that series, by start then id, with the range query's overlap rule", async () => {
		const { mondays, wednesdays } = await seedTwoSeries();
		const all = await api("GET", `/api/occurrences?${WINDOW}`);
		const series = await api("GET", `/api/patterns/${mondays.id}/occurrences?${WINDOW}`);
		expect(series.status).toBe(200);
		expect(series.body.map((o: any) => o.start_datetime)).toEqual(
			[0, 7, 14, 21, 28, 35, 42, 49].map((days) => `${addDays(firstMonday, days)}T09:00:00Z`),
		);
		expect(series.body).toEqual(all.body.filter((o: any) => o.pattern_id === mondays.id));
		expect(series.body.every((o: any) => o.title === "Mondays")).toBe(true);

		// A session that started before the window but still runs in it overlaps it.
		const wednesday = addDays(firstMonday, 2);
		const overlap = await api(
			"GET",
			`/api/patterns/${wednesdays.id}/occurrences?start=${wednesday}T09:30:00Z&end=${addDays(wednesday, 7)}T09:00:01Z`,
		);
		expect(overlap.body.map((o: any) => o.start_datetime)).toEqual([
			`${wednesday}T09:00:00Z`,
			`${addDays(wednesday, 7)}T09:00:00Z`,
		]);
	});

	it("returns a long session that started more than 2 h before the window and still runs in it", async () => {
		const { pattern } = await createPattern({
			title: "Night shift",
			weekday: 0,
			time: "20:00",
			timezone: "UTC",
			duration_minutes: 600,
			start_date: firstMonday,
			count: 2,
		});
		// Started at 20:00, runs to 06:00 the next morning: ten hours before a 04:00 window.
		const next = addDays(firstMonday, 1);
		const query = `start=${next}T04:00:00Z&end=${next}T05:00:00Z`;
		const all = await api("GET", `/api/occurrences?${query}`);
		const series = await api("GET", `/api/patterns/${pattern.id}/occurrences?${query}`);
		expect(all.body.map((o: any) => o.start_datetime)).toEqual([`${firstMonday}T20:00:00Z`]);
		expect(series.status).toBe(200);
		expect(series.body).toEqual(all.body);
	});

	it("filters by status and pages with the same Link cursor as GET /api/occurrences", async () => {
		const { mondays } = await seedTwoSeries();
		const first = await api("GET", `/api/patterns/${mondays.id}/occurrences?${WINDOW}`);
		await api("DELETE", `/api/occurrences/${first.body[1].id}`);

		const scheduled = await api(
			"GET",
			`/api/patterns/${mondays.id}/occurrences?${WINDOW}&status=scheduled`,
		);
		expect(scheduled.body).toHaveLength(7);
		expect(scheduled.body.map((o: any) => o.id)).not.toContain(first.body[1].id);

		const seen: number[] = [];
		let next: string | null = `/api/patterns/${mondays.id}/occurrences?${WINDOW}&limit=3`;
		while (next) {
			const page: any = await api("GET", next);
			expect(page.status).toBe(200);
			seen.push(...page.body.map((o: any) => o.id));
			const link = /<([^>]+)>; rel="next"/.exec(page.headers.get("Link") ?? "")?.[1];
			next = link ? new URL(link).pathname + new URL(link).search : null;
		}
		expect(seen).toEqual(first.body.map((o: any) => o.id));
	});

	it("answers 404 for an unknown, a non-numeric or a deleted pattern", async () => {
		const { mondays } = await seedTwoSeries();
		for (const id of ["999999", "abc"]) {
			const response = await api("GET", `/api/patterns/${id}/occurrences?${WINDOW}`);
			expect(response.status).toBe(404);
			expect(response.headers.get("Content-Type")).toBe("application/problem+json");
		}
		expect((await api("DELETE", `/api/patterns/${mondays.id}`)).status).toBe(200);
		const deleted = await api("GET", `/api/patterns/${mondays.id}/occurrences?${WINDOW}`);
		expect(deleted.status).toBe(404);
		expect(deleted.body.detail).toBe(`Pattern ${mondays.id} does not exist.`);
	});

	it("answers 400 for a missing or inverted range", async () => {
		const { mondays } = await seedTwoSeries();
		const missing = await api(
			"GET",
			`/api/patterns/${mondays.id}/occurrences?start=${firstMonday}T00:00:00Z`,
		);
		expect(missing.status).toBe(400);
		expect(missing.body.errors.map((e: any) => e.path)).toContain("end");
		const inverted = await api(
			"GET",
			`/api/patterns/${mondays.id}/occurrences?start=${addDays(firstMonday, 1)}T00:00:00Z&end=${firstMonday}T00:00:00Z`,
		);
		expect(inverted.status).toBe(400);
		expect(inverted.headers.get("Content-Type")).toBe("application/problem+json");
	});
});
