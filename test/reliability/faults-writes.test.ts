// Fault injection along every write path: for each round trip k a request makes to D1, fail
// exactly that one (reads are retried past it) and fail everything from k on (the request dies
// there), each before the round trip reaches the database and after it committed. Whatever
// happens, the request changes all it should or nothing, answers problem+json when it fails, and
// leaves the calendar consistent.
import { env } from "cloudflare:workers";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { book, person, sessionWithSeats } from "../bookings/support";
import { api, present, ROOT_TOKEN } from "../support/api";
import { todayPlus } from "../support/dates";
import { type FaultPlan, fetchWithFaults } from "../support/faulty-d1";
import { createOneTime, createPattern } from "../support/fixtures";
import { calendarViolations } from "../support/invariants";
import type { StoredOccurrence } from "../support/types";

// Each test here makes dozens of faulty requests per path. With every suite running at once
// on 2 cores, that can take longer than vitest's 5 s default.
vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 });

interface Scenario<S = unknown> {
	/** The request, made anew for each attempt. */
	request: () => Request;
	/** The rows the request may change, as plain values. */
	state: () => Promise<S>;
	/** Throws unless `state` shows the request fully applied. */
	expectApplied(state: S): void;
}

/** A scenario, its `expectApplied` typed by what its `state` reads. */
const scenario = <S>(definition: Scenario<S>): Scenario => definition;

interface WritePath {
	name: string;
	okStatus: number;
	seed: (tag: string) => Promise<Scenario>;
}

const BASE = "https://calendar.test";

function request(
	method: string,
	path: string,
	body?: unknown,
	headers: Record<string, string> = {},
) {
	return () =>
		new Request(`${BASE}${path}`, {
			method,
			headers: {
				Authorization: `Bearer ${ROOT_TOKEN}`,
				...(body === undefined ? {} : { "Content-Type": "application/json" }),
				...headers,
			},
			body: body === undefined ? undefined : JSON.stringify(body),
		});
}

type Row = Record<string, number | string | null>;

async function all<T = Row>(query: string, ...values: unknown[]) {
	return (
		await env.DB.prepare(query)
			.bind(...values)
			.all<T>()
	).results;
}

async function lastChange() {
	const [row] = await all("SELECT coalesce(max(seq), 0) AS seq FROM changes");
	return (row as { seq: number }).seq;
}

const patternState = (id: number) => async () => ({
	pattern: present((await all("SELECT * FROM patterns WHERE id = ?", id))[0], `pattern ${id}`),
	sessions: await all<StoredOccurrence>(
		"SELECT * FROM occurrences WHERE pattern_id = ? ORDER BY id",
		id,
	),
});

const occurrenceState = (id: number) => async () =>
	present(
		(await all<StoredOccurrence>("SELECT * FROM occurrences WHERE id = ?", id))[0],
		`session ${id}`,
	);

const futurePattern = (tag: string, overrides: Record<string, unknown> = {}) =>
	createPattern({ title: tag, start_date: todayPlus(1), months_ahead: 1, ...overrides });

const writePaths: WritePath[] = [
	{
		name: "POST /api/patterns",
		okStatus: 201,
		seed: async (tag) =>
			scenario({
				request: request("POST", "/api/patterns", {
					title: tag,
					weekdays: [0, 3],
					time: "18:00",
					timezone: "America/New_York",
					start_date: todayPlus(1),
					months_ahead: 1,
				}),
				state: async () => ({
					patterns: await all("SELECT id, version FROM patterns WHERE title = ?", tag),
					sessions: await all("SELECT count(*) AS n FROM occurrences WHERE title = ?", tag),
				}),
				expectApplied: (state) => {
					expect(state.patterns).toHaveLength(1);
					expect(state.sessions[0]?.n).toBeGreaterThanOrEqual(8);
				},
			}),
	},
	{
		name: "POST /api/patterns with an Idempotency-Key",
		okStatus: 201,
		seed: async (tag) =>
			scenario({
				request: request(
					"POST",
					"/api/patterns",
					{ title: tag, weekday: 2, time: "09:00", start_date: todayPlus(1), months_ahead: 1 },
					{ "Idempotency-Key": `key-${tag.replaceAll(" ", "-")}` },
				),
				state: async () => ({
					patterns: await all("SELECT id FROM patterns WHERE title = ?", tag),
					sessions: await all("SELECT count(*) AS n FROM occurrences WHERE title = ?", tag),
				}),
				expectApplied: (state) => {
					expect(state.patterns).toHaveLength(1);
					expect(state.sessions[0]?.n).toBeGreaterThanOrEqual(4);
				},
			}),
	},
	{
		name: "PATCH /api/patterns/{id} (title: sessions follow in place)",
		okStatus: 200,
		seed: async (tag) => {
			const { pattern } = await futurePattern(tag);
			return scenario({
				request: request("PATCH", `/api/patterns/${pattern.id}`, { title: `${tag} renamed` }),
				state: patternState(pattern.id),
				expectApplied: (state) => {
					expect(state.pattern).toMatchObject({ title: `${tag} renamed`, version: 2 });
					expect(state.sessions.map((s) => s.title)).toEqual(
						state.sessions.map(() => `${tag} renamed`),
					);
				},
			});
		},
	},
	{
		name: "PATCH /api/patterns/{id} (time and days: sessions move)",
		okStatus: 200,
		seed: async (tag) => {
			const { pattern } = await futurePattern(tag);
			return scenario({
				request: request("PATCH", `/api/patterns/${pattern.id}`, {
					time: "19:15",
					weekdays: [4, 5],
				}),
				state: patternState(pattern.id),
				expectApplied: (state) => {
					expect(state.pattern).toMatchObject({ time: "19:15:00", version: 2 });
					expect(state.sessions.length).toBeGreaterThanOrEqual(8);
				},
			});
		},
	},
	{
		name: "DELETE /api/patterns/{id}",
		okStatus: 200,
		seed: async (tag) => {
			const { pattern } = await futurePattern(tag);
			return scenario({
				request: request("DELETE", `/api/patterns/${pattern.id}`),
				state: patternState(pattern.id),
				expectApplied: (state) => {
					expect(state.pattern.deleted_at).not.toBeNull();
					expect(state.sessions).toEqual([]);
				},
			});
		},
	},
	{
		name: "DELETE /api/patterns/{id}?delete_future=false",
		okStatus: 200,
		seed: async (tag) => {
			const { pattern } = await futurePattern(tag);
			return scenario({
				request: request("DELETE", `/api/patterns/${pattern.id}?delete_future=false`),
				state: patternState(pattern.id),
				expectApplied: (state) => {
					expect(state.pattern).toMatchObject({ is_active: 0, deleted_at: null, version: 2 });
					expect(state.sessions.length).toBeGreaterThan(0);
				},
			});
		},
	},
	{
		name: "POST /api/occurrences",
		okStatus: 201,
		seed: async (tag) =>
			scenario({
				request: request("POST", "/api/occurrences", {
					title: tag,
					start_datetime: "2031-05-05T10:00:00+02:00",
				}),
				state: () => all("SELECT start_at FROM occurrences WHERE title = ?", tag),
				expectApplied: (state) => {
					expect(state).toEqual([{ start_at: Date.UTC(2031, 4, 5, 8) }]);
				},
			}),
	},
	{
		name: "PATCH /api/occurrences/{id} of a pattern session",
		okStatus: 200,
		seed: async (tag) => {
			const { pattern } = await futurePattern(tag);
			const [first] = await all("SELECT id FROM occurrences WHERE pattern_id = ?", pattern.id);
			const id = (first as { id: number }).id;
			return scenario({
				request: request(
					"PATCH",
					`/api/occurrences/${id}`,
					{ title: `${tag} moved`, duration_minutes: 30 },
					{ "If-Match": `"o${id}.1"` },
				),
				state: occurrenceState(id),
				expectApplied: (state) => {
					expect(state).toMatchObject({
						title: `${tag} moved`,
						duration_minutes: 30,
						is_exception: 1,
						version: 2,
					});
					expect(state.end_at - state.start_at).toBe(30 * 60_000);
				},
			});
		},
	},
	{
		name: "DELETE /api/occurrences/{id}",
		okStatus: 200,
		seed: async (tag) => {
			const session = await createOneTime({ title: tag });
			return scenario({
				request: request("DELETE", `/api/occurrences/${session.id}`),
				state: occurrenceState(session.id),
				expectApplied: (state) => expect(state).toMatchObject({ status: "cancelled", version: 2 }),
			});
		},
	},
	{
		name: "POST /api/occurrences/{id}/complete",
		okStatus: 200,
		seed: async (tag) => {
			const session = await createOneTime({ title: tag });
			return scenario({
				request: request("POST", `/api/occurrences/${session.id}/complete`),
				state: occurrenceState(session.id),
				expectApplied: (state) => expect(state).toMatchObject({ status: "completed", version: 2 }),
			});
		},
	},
	{
		name: "POST /api/keys",
		okStatus: 201,
		seed: async (tag) =>
			scenario({
				request: request("POST", "/api/keys", { name: tag, scopes: ["read"] }),
				state: () => all("SELECT scopes FROM api_keys WHERE name = ?", tag),
				expectApplied: (state) => expect(state).toEqual([{ scopes: '["read"]' }]),
			}),
	},
	{
		name: "DELETE /api/keys/{id}",
		okStatus: 200,
		seed: async (tag) => {
			const created = await api("POST", "/api/keys", { body: { name: tag, scopes: ["read"] } });
			const id = created.body.id as number;
			return scenario({
				request: request("DELETE", `/api/keys/${id}`),
				state: async () =>
					present((await all("SELECT revoked_at FROM api_keys WHERE id = ?", id))[0], `key ${id}`),
				expectApplied: (state) => expect(state.revoked_at).not.toBeNull(),
			});
		},
	},
	{
		name: "POST /api/patterns/{id}/split",
		okStatus: 201,
		seed: async (tag) => {
			const { pattern } = await futurePattern(tag, { months_ahead: 2 });
			const from = todayPlus(15);
			return scenario({
				request: request("POST", `/api/patterns/${pattern.id}/split`, {
					from,
					changes: { time: "19:00", title: `${tag} evenings` },
				}),
				state: async () => ({
					...(await patternState(pattern.id)()),
					successor: await all("SELECT id FROM patterns WHERE title = ?", `${tag} evenings`),
				}),
				expectApplied: (state) => {
					expect(state.pattern).toMatchObject({ end_date: todayPlus(14), version: 2 });
					expect(state.successor).toHaveLength(1);
					const cut = Date.parse(from) - 86_400_000;
					expect(state.sessions.filter((s) => s.start_at >= cut + 86_400_000)).toEqual([]);
				},
			});
		},
	},
	...bookingWritePaths(),
];

/** The plans to try for a path whose clean run takes `trips` round trips. */
function plans(trips: number): FaultPlan[] {
	const result: FaultPlan[] = [];
	for (let failAt = 1; failAt <= trips; failAt++) {
		for (const when of ["before", "after"] as const) {
			for (const times of [1, Number.POSITIVE_INFINITY]) result.push({ failAt, when, times });
		}
	}
	return result;
}

let seq = 0;
const nextTag = (name: string) => `${name.split(" ")[0]} fault ${++seq}`;

beforeAll(() => {
	// Every injected failure is logged as a 5xx; the assertions below are what matters here.
	vi.spyOn(console, "error").mockImplementation(() => {});
});
afterAll(() => {
	vi.restoreAllMocks();
});

describe.each(writePaths)("$name under D1 faults", (path) => {
	it("applies fully or not at all, and answers problem+json when it fails", async () => {
		const clean = await path.seed(nextTag(path.name));
		const run = await fetchWithFaults({}, clean.request());
		expect(run.response.status).toBe(path.okStatus);
		clean.expectApplied(await clean.state());
		const tried: string[] = [];

		for (const plan of plans(run.trips.length)) {
			const label = `fail trip ${plan.failAt} (${run.trips[(plan.failAt ?? 1) - 1]?.kind}) ${plan.when}, ${plan.times}×`;
			const scenario = await path.seed(nextTag(path.name));
			const before = await scenario.state();
			const feedBefore = await lastChange();
			const { response } = await fetchWithFaults(plan, scenario.request());
			const after = await scenario.state();
			const changed = JSON.stringify(after) !== JSON.stringify(before);
			// The change feed moves exactly when the write committed (keys are not in the feed).
			const feedMoved = (await lastChange()) !== feedBefore;
			if (!path.name.includes("/api/keys"))
				expect(feedMoved, `${label}: change feed`).toBe(changed);

			if (response.status < 500) {
				expect(response.status, label).toBe(path.okStatus);
				scenario.expectApplied(after);
			} else {
				expect(response.status, label).toBe(503);
				expect(response.headers.get("Retry-After"), label).toBe("1");
				expect(response.headers.get("Content-Type"), label).toBe("application/problem+json");
				expect(await response.json(), label).toMatchObject({
					status: 503,
					title: expect.any(String),
				});
				// Partial effects are impossible: either nothing changed or everything did.
				if (changed) scenario.expectApplied(after);
				// A request that died before its first write reached D1 wrote nothing.
				if (plan.when === "before" && (plan.failAt ?? 0) <= firstWrite(run.trips)) {
					expect(changed, `${label}: wrote although it failed before writing`).toBe(false);
				}
			}
			tried.push(`${label}: ${response.status}${changed ? " changed" : ""}`);
		}
		expect(await calendarViolations()).toEqual([]);
		expect(tried.length).toBe(4 * run.trips.length);
		// The case that forbids blind retries was met: a write committed, its reply was lost.
		expect(tried.some((outcome) => outcome.endsWith("503 changed"))).toBe(true);
	});
});

/** 1-based index of the first round trip that writes domain rows (not idempotency bookkeeping). */
function firstWrite(trips: { sql: string[] }[]): number {
	const index = trips.findIndex((trip) =>
		trip.sql.some(
			(sql) => /^\s*(insert|update|delete)/i.test(sql) && !/idempotency_keys/.test(sql),
		),
	);
	return index + 1;
}

/**
 * Resends as a client following Retry-After would. A key whose request died stays claimed until
 * it counts as abandoned (30 s), so the clock is moved on rather than waited for.
 */
async function retryLikeAClient(send: () => Request) {
	vi.useFakeTimers({ toFake: ["Date"], now: Date.now() });
	try {
		for (let attempt = 1; ; attempt++) {
			const { response } = await fetchWithFaults({}, send());
			if (response.status !== 409 || attempt === 3) return { response };
			vi.setSystemTime(Date.now() + 31_000);
		}
	} finally {
		vi.useRealTimers();
	}
}

describe("Idempotency-Key after a fault", () => {
	it("a retry with the same key creates the pattern exactly once, whatever failed", async () => {
		const probe = await fetchWithFaults(
			{},
			request(
				"POST",
				"/api/patterns",
				{ title: "probe", weekday: 1, time: "08:00", start_date: todayPlus(1), months_ahead: 1 },
				{ "Idempotency-Key": "probe" },
			)(),
		);
		const outcomes: string[] = [];
		for (const plan of plans(probe.trips.length)) {
			const tag = nextTag("idem");
			const send = request(
				"POST",
				"/api/patterns",
				{ title: tag, weekday: 1, time: "08:00", start_date: todayPlus(1), months_ahead: 1 },
				{ "Idempotency-Key": tag.replaceAll(" ", "-") },
			);
			const first = await fetchWithFaults(plan, send());
			const retry = await retryLikeAClient(send);
			const rows = await all("SELECT id FROM patterns WHERE title = ?", tag);
			outcomes.push(
				`${JSON.stringify(plan)} → ${first.response.status}, retry ${retry.response.status}`,
			);
			expect(rows, outcomes.at(-1)).toHaveLength(1);
			const body = (await retry.response.json()) as { pattern: { id: number }; detail: string };
			if (retry.response.status === 409) {
				// Only when the write committed and the response was lost after it: the key says so.
				const write = firstWrite(probe.trips);
				const failAt = plan.failAt ?? 0;
				expect(failAt > write || (failAt === write && plan.when === "after")).toBe(true);
				expect(body.detail).toContain("was applied, but its response was lost");
				expect(retry.response.headers.get("Retry-After")).toBeNull();
			} else {
				expect(retry.response.status, outcomes.at(-1)).toBe(201);
				expect(body.pattern.id).toBe((rows[0] as { id: number }).id);
			}
		}
	});
});

/** The booking write paths: each one batch whose conditional SQL decides; never half-written. */
function bookingWritePaths(): WritePath[] {
	const seatsState = (id: number) => async () => ({
		session: (
			await all(
				"SELECT capacity, booked, held, waitlisted, status FROM occurrences WHERE id = ?",
				id,
			)
		)[0],
		bookings: await all(
			"SELECT id, status, waitlist_position, cancel_reason FROM bookings WHERE occurrence_id = ? ORDER BY id",
			id,
		),
		holds: await all(
			"SELECT id, seats, ended_at IS NULL AS live FROM holds WHERE occurrence_id = ? ORDER BY id",
			id,
		),
	});
	return [
		{
			name: "POST /api/occurrences/{id}/bookings (waitlisted on a full session)",
			okStatus: 201,
			seed: async () => {
				const { id } = await sessionWithSeats(1);
				await book(id, person());
				return scenario({
					request: request("POST", `/api/occurrences/${id}/bookings`, person(2)),
					state: seatsState(id),
					expectApplied: (state) => {
						expect(state.session).toMatchObject({ booked: 1, waitlisted: 2 });
						expect(state.bookings.map((b) => b.status)).toEqual(["confirmed", "waitlisted"]);
					},
				});
			},
		},
		{
			name: "POST /api/occurrences/{id}/bookings with a hold_id",
			okStatus: 201,
			seed: async () => {
				const { id } = await sessionWithSeats(2);
				const hold = await api("POST", `/api/occurrences/${id}/holds`, { body: { seats: 2 } });
				return scenario({
					request: request("POST", `/api/occurrences/${id}/bookings`, {
						...person(1),
						hold_id: hold.body.id,
					}),
					state: seatsState(id),
					expectApplied: (state) => {
						expect(state.session).toMatchObject({ booked: 1, held: 0 });
						expect(state.holds).toEqual([{ id: hold.body.id, seats: 2, live: 0 }]);
					},
				});
			},
		},
		{
			name: "DELETE /api/bookings/{id} (promotes the waitlist)",
			okStatus: 200,
			seed: async () => {
				const { id } = await sessionWithSeats(1);
				const confirmed = await book(id, person());
				await book(id, person());
				await book(id, person());
				return scenario({
					request: request("DELETE", `/api/bookings/${confirmed.body.id}`),
					state: seatsState(id),
					expectApplied: (state) => {
						expect(state.session).toMatchObject({ booked: 1, waitlisted: 1 });
						expect(state.bookings.map((b) => [b.status, b.waitlist_position])).toEqual([
							["cancelled", null],
							["confirmed", null],
							["waitlisted", 1],
						]);
					},
				});
			},
		},
		{
			name: "POST /api/occurrences/{id}/holds",
			okStatus: 201,
			seed: async () => {
				const { id } = await sessionWithSeats(3);
				return scenario({
					request: request("POST", `/api/occurrences/${id}/holds`, { seats: 2 }),
					state: seatsState(id),
					expectApplied: (state) => {
						expect(state.session).toMatchObject({ held: 2 });
						expect(state.holds).toHaveLength(1);
					},
				});
			},
		},
		{
			name: "DELETE /api/holds/{id} (promotes the waitlist)",
			okStatus: 200,
			seed: async () => {
				const { id } = await sessionWithSeats(1);
				const hold = await api("POST", `/api/occurrences/${id}/holds`, { body: { seats: 1 } });
				await book(id, person());
				return scenario({
					request: request("DELETE", `/api/holds/${hold.body.id}`),
					state: seatsState(id),
					expectApplied: (state) => {
						expect(state.session).toMatchObject({ booked: 1, held: 0, waitlisted: 0 });
						expect(state.bookings.map((b) => b.status)).toEqual(["confirmed"]);
					},
				});
			},
		},
		{
			name: "DELETE /api/occurrences/{id} of a booked session",
			okStatus: 200,
			seed: async () => {
				const { id } = await sessionWithSeats(1);
				await book(id, person());
				await book(id, person());
				return scenario({
					request: request("DELETE", `/api/occurrences/${id}`),
					state: seatsState(id),
					expectApplied: (state) => {
						expect(state.session).toMatchObject({ status: "cancelled", booked: 0, waitlisted: 0 });
						expect(state.bookings.map((b) => b.cancel_reason)).toEqual([
							"session_cancelled",
							"session_cancelled",
						]);
					},
				});
			},
		},
	];
}
