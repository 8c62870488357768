// A split over years of history answers a small body: counts of every list, and only the first
// page (SESSIONS_LISTED, by start) of each list's sessions.
import { describe, expect, it } from "vitest";
import { SESSIONS_LISTED } from "../src/patterns/split";
import { startOfLocalDay } from "../src/recurrence";
import { type ApiResponse, api, fetchWithVars, present, ROOT_TOKEN } from "./support/api";
import { useClock } from "./support/dates";
import { createPattern, sessionsOf } from "./support/fixtures";

useClock("2026-12-02T12:00:00Z");

async function json(response: Response): Promise<ApiResponse & { bytes: number }> {
	const text = await response.text();
	return {
		status: response.status,
		headers: response.headers,
		body: JSON.parse(text),
		bytes: new TextEncoder().encode(text).length,
	};
}

/** The series: every day at 07:30 UTC since 1970, 12 months ahead (a deployment whose
 * MAX_SESSIONS_PER_WRITE lets one request make it). */
async function seriesSince1970() {
	const response = await fetchWithVars({ MAX_SESSIONS_PER_WRITE: "100000" }, "/api/patterns", {
		method: "POST",
		headers: { Authorization: `Bearer ${ROOT_TOKEN}`, "Content-Type": "application/json" },
		body: JSON.stringify({
			title: "Daily since 1970",
			weekdays: [0, 1, 2, 3, 4, 5, 6],
			time: "07:30",
			timezone: "UTC",
			start_date: "1970-01-01",
			months_ahead: 12,
		}),
	});
	const created = await json(response);
	expect(created.status, JSON.stringify(created.body)).toBe(201);
	return created.body as { pattern: { id: number }; occurrences_created: number };
}

const split = (id: number, dryRun: boolean, from = "1970-01-03") =>
	api("POST", `/api/patterns/${id}/split`, {
		body: { from, changes: { time: "18:00" }, dry_run: dryRun },
	});

const bytesOf = (body: unknown) => new TextEncoder().encode(JSON.stringify(body)).length;

describe("POST /api/patterns/{id}/split over 57 years of history", () => {
	it("answers counts of every list and the first page of each, dry run and real run alike", async () => {
		const { pattern, occurrences_created: made } = await seriesSince1970();
		expect(made).toBeGreaterThan(20_000);
		const rows = await sessionsOf(pattern.id);
		const today = Date.parse("2026-12-03T00:00:00Z");
		// From Jan 3, 1970: the past stays (kept), the future moves to the new series.
		const fromJan3 = rows.filter((row) => Number(row.original_start_at) >= Date.UTC(1970, 0, 3));
		const past = fromJan3.filter((row) => row.start_at < today);
		const future = fromJan3.filter((row) => row.start_at >= today);

		const started = performance.now();
		const dry = await split(pattern.id, true);
		const dryMs = performance.now() - started;
		expect(dry.status, JSON.stringify(dry.body).slice(0, 500)).toBe(200);
		console.info(
			`dry run: ${bytesOf(dry.body)} bytes in ${Math.round(dryMs)} ms`,
			dry.headers.get("Server-Timing"),
		);
		expect(dry.body).toMatchObject({
			moved: future.length,
			kept: past.length,
			sessions_truncated: true,
		});
		for (const list of ["created", "moved", "kept"] as const) {
			expect(dry.body.sessions[list]).toHaveLength(SESSIONS_LISTED);
		}
		expect(dry.body.sessions.kept.map((s) => s.id)).toEqual(
			past.slice(0, SESSIONS_LISTED).map((row) => row.id),
		);
		expect(dry.body.sessions.moved.map((s) => s.id)).toEqual(
			future.slice(0, SESSIONS_LISTED).map((row) => row.id),
		);
		expect(bytesOf(dry.body)).toBeLessThan(64 * 1024);

		const real = await split(pattern.id, false);
		expect(real.status).toBe(201);
		expect(bytesOf(real.body)).toBeLessThan(64 * 1024);
		for (const list of ["created", "moved", "kept"] as const) {
			expect(real.body[list]).toBe(dry.body[list]);
		}
		expect(real.body.sessions.kept).toEqual(dry.body.sessions.kept);
		expect(real.body.sessions.moved).toEqual(dry.body.sessions.moved);
		const newSessions = await sessionsOf(present(real.body.new_pattern.id));
		expect(newSessions).toHaveLength(dry.body.created);
		expect(real.body.sessions.created.map((s) => s.id)).toEqual(
			newSessions.slice(0, SESSIONS_LISTED).map((row) => row.id),
		);
		expect(real.body.sessions_truncated).toBe(true);
	});

	it("lists everything, untruncated, for a split of a few sessions", async () => {
		const { pattern } = await createPattern({ timezone: "UTC", start_date: "2026-11-01" });
		const { id } = pattern;
		const response = await api("POST", `/api/patterns/${id}/split`, {
			body: { from: "2026-11-20", changes: { time: "10:00" } },
		});
		expect(response.status).toBe(201);
		expect(response.body.sessions_truncated).toBe(false);
		expect(response.body.sessions.kept).toHaveLength(response.body.kept);
		expect(response.body.sessions.moved).toHaveLength(response.body.moved);
		expect(response.body.sessions.created).toHaveLength(response.body.created);
		expect(response.body.kept).toBeGreaterThan(0);
		expect(response.body.created).toBeGreaterThan(0);
	});

	it.each(["Pacific/Kiritimati", "Pacific/Pago_Pago", "Europe/Paris"])(
		"counts and lists the kept history from local midnight of from in %s",
		async (timezone) => {
			const { pattern } = await createPattern({
				title: `History in ${timezone}`,
				weekday: undefined,
				weekdays: [0, 1, 2, 3, 4, 5, 6],
				time: "00:30",
				timezone,
				start_date: "2024-06-01",
				months_ahead: 1,
			});
			const from = "2024-06-10";
			const rows = await sessionsOf(pattern.id);
			const firstDay = startOfLocalDay(from, timezone);
			const now = Date.now();
			const kept = rows.filter(
				(row) => Number(row.original_start_at) >= firstDay && row.start_at < now,
			);
			const dry = await split(pattern.id, true, from);
			expect(dry.status, JSON.stringify(dry.body).slice(0, 300)).toBe(200);
			expect(dry.body.kept).toBe(kept.length);
			expect(dry.body.sessions.kept.map((s) => s.id)).toEqual(
				kept.slice(0, SESSIONS_LISTED).map((row) => row.id),
			);
			const real = await split(pattern.id, false, from);
			expect(real.status).toBe(201);
			expect(real.body.kept).toBe(kept.length);
			expect(real.body.sessions.kept).toEqual(dry.body.sessions.kept);
		},
	);
});
