// Data the tests create through the API (or read back from D1), named for what it is.
import { env } from "cloudflare:workers";
import { expect } from "vitest";
import { api, present } from "./api";
import { todayPlus } from "./dates";
import type { StoredOccurrence } from "./types";

export const validPattern = (overrides: Record<string, unknown> = {}) => ({
	title: "Morning yoga",
	weekday: 1,
	time: "07:30",
	timezone: "Europe/Paris",
	duration_minutes: 60,
	start_date: todayPlus(0),
	...overrides,
});

export async function createPattern(overrides: Record<string, unknown> = {}) {
	const response = await api("POST", "/api/patterns", { body: validPattern(overrides) });
	if (response.status !== 201)
		throw new Error(`createPattern: ${response.status} ${JSON.stringify(response.body)}`);
	return response.body;
}

export async function createOneTime(overrides: Record<string, unknown> = {}) {
	const response = await api("POST", "/api/occurrences", {
		body: {
			title: "Open house",
			start_datetime: "2030-02-14T10:00:00Z",
			duration_minutes: 90,
			...overrides,
		},
	});
	if (response.status !== 201)
		throw new Error(`createOneTime: ${response.status} ${JSON.stringify(response.body)}`);
	return response.body;
}

/** A one-time session with a title of its own (for pages that list sessions by title). */
export async function createOneTimeSession(
	title = `Open house ${crypto.randomUUID().slice(0, 8)}`,
) {
	return createOneTime({ title });
}

export async function sessionsOf(patternId: number) {
	const { results } = await env.DB.prepare(
		"SELECT * FROM occurrences WHERE pattern_id = ? ORDER BY start_at, id",
	)
		.bind(patternId)
		.all<StoredOccurrence>();
	return results;
}

/** Sessions of a pattern from D1 directly: start instants (ms) of the scheduled future ones. */
export async function futureStarts(patternId: number): Promise<number[]> {
	const { results } = await env.DB.prepare(
		"SELECT start_at FROM occurrences WHERE pattern_id = ? AND status = 'scheduled' AND start_at >= ? ORDER BY start_at",
	)
		.bind(patternId, Date.now())
		.all<{ start_at: number }>();
	return results.map((row) => row.start_at);
}

/** Empties the data tables, for tests whose assertions count over every pattern (the cron's). */
export async function emptyTables() {
	await env.DB.batch([
		env.DB.prepare("DELETE FROM occurrences"),
		env.DB.prepare("DELETE FROM patterns"),
	]);
}

export async function tableCounts() {
	const row = await env.DB.prepare(
		"SELECT (SELECT count(*) FROM patterns) AS patterns, (SELECT count(*) FROM occurrences) AS occurrences, (SELECT coalesce(sum(version), 0) FROM patterns) + (SELECT coalesce(sum(version), 0) FROM occurrences) AS versions",
	).first<{ patterns: number; occurrences: number; versions: number }>();
	return row;
}

/** GET /api/occurrences for [start, end), optionally with `status`; expects 200. */
export async function listRange(start: string, end: string, status?: string) {
	const query = new URLSearchParams({ start, end, ...(status ? { status } : {}) });
	const response = await api("GET", `/api/occurrences?${query}`);
	expect(response.status).toBe(200);
	return response.body;
}

/** A pattern's sessions as the range endpoint returns them (other tests' rows filtered out). */
export async function sessionsOfPattern(
	patternId: number,
	window = { start: "2026-01-01T00:00:00Z", end: "2027-01-01T00:00:00Z" },
) {
	const sessions = await listRange(window.start, window.end);
	return sessions.filter((session) => session.pattern_id === patternId);
}

export const startsOf = (sessions: { start_datetime: string }[]) =>
	sessions.map((session) => session.start_datetime);

/** Sunday 2026-02-15: `weeklyClass` sessions before it are history, those after it the future. */
export const CLASS_CLOCK = "2026-02-15T12:00:00Z";

/** Tuesdays at 07:30Z from 2026-01-06; with CLASS_CLOCK, ten sessions through 2026-03-10. */
export const weeklyClass = {
	title: "Yoga",
	description: "",
	weekday: 1,
	time: "07:30",
	timezone: "UTC",
	duration_minutes: 60,
	start_date: "2026-01-06",
	months_ahead: 1,
};

/**
 * A `weeklyClass` at CLASS_CLOCK with six past sessions, then Feb 17 left alone, Feb 24 edited
 * by hand, Mar 3 cancelled and Mar 10 completed. Returns the sessions as they then read.
 */
export async function classWithHandledSessions() {
	const { pattern } = await createPattern(weeklyClass);
	const sessions = await sessionsOfPattern(pattern.id);
	const [edited, cancelled, completed] = sessions.slice(7);
	await api("PATCH", `/api/occurrences/${present(edited).id}`, {
		body: { title: "Guest teacher" },
	});
	await api("DELETE", `/api/occurrences/${present(cancelled).id}`);
	await api("POST", `/api/occurrences/${present(completed).id}/complete`);
	const before = await sessionsOfPattern(pattern.id);
	return { pattern, past: before.slice(0, 6), future: before[6], handled: before.slice(7) };
}
