import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createDb, emptyUsage, meteredD1 } from "../../src/db/client";
import { backoffMs, idempotent, type RetryPolicy } from "../../src/db/retry";
import { patterns } from "../../src/db/schema";
import worker from "../../src/index";
import { materializeDuePatterns } from "../../src/jobs/materialize";
import { ROOT_TOKEN } from "../support/api";
import { todayPlus } from "../support/dates";
import { type FaultPlan, faultyD1, permanentError } from "../support/faulty-d1";
import { createOneTime, createPattern } from "../support/fixtures";

/** A policy whose sleeps are recorded, not slept. */
function recordingPolicy(): RetryPolicy & { slept: number[] } {
	const slept: number[] = [];
	return {
		tries: 3,
		baseDelayMs: 100,
		random: () => 0.999,
		sleep: async (ms) => {
			slept.push(ms);
		},
		slept,
	};
}

/** Drizzle wraps D1's error as the cause of its own "Failed query" error. */
const failedWith = (text: string) => ({ cause: { message: expect.stringContaining(text) } });

function dbOver(plan: FaultPlan) {
	const faulty = faultyD1(env.DB, plan);
	const policy = recordingPolicy();
	return { db: createDb(meteredD1(faulty, emptyUsage(), {}, policy)), faulty, policy };
}

async function send(plan: FaultPlan, method: string, path: string, init: RequestInit = {}) {
	const DB = faultyD1(env.DB, plan);
	const ctx = createExecutionContext();
	const response = await worker.fetch(
		new Request(`https://calendar.test${path}`, {
			method,
			...init,
			headers: {
				Authorization: `Bearer ${ROOT_TOKEN}`,
				"Content-Type": "application/json",
				...init.headers,
			},
		}),
		{ ...env, DB },
		ctx,
	);
	await waitOnExecutionContext(ctx);
	return { response, trips: DB.trips };
}

beforeAll(() => {
	// Injected failures are logged as 5xx errors; the assertions below are what matters here.
	vi.spyOn(console, "error").mockImplementation(() => {});
});
afterAll(() => {
	vi.restoreAllMocks();
});

describe("D1 retries: reads", () => {
	it("retries a read after transient failures and returns its rows", async () => {
		const { pattern } = await createPattern({ title: "Retried read" });
		const { db, faulty, policy } = dbOver({ failAt: 1, times: 2 });
		const rows = await db.select().from(patterns).where(eq(patterns.id, pattern.id));
		expect(rows[0]?.title).toBe("Retried read");
		expect(faulty.trips.map((trip) => trip.failed)).toEqual([true, true, false]);
		expect(policy.slept).toEqual([99, 199]);
	});

	it("stops after 3 attempts and lets the error through", async () => {
		const { db, faulty, policy } = dbOver({ failAt: 1, times: 10 });
		await expect(db.select().from(patterns)).rejects.toMatchObject(
			failedWith("Network connection lost"),
		);
		expect(faulty.trips).toHaveLength(3);
		expect(policy.slept).toHaveLength(2);
	});

	it("does not retry an error that is not transient", async () => {
		const { db, faulty } = dbOver({ failAt: 1, error: permanentError });
		await expect(db.select().from(patterns)).rejects.toMatchObject(failedWith("no such column"));
		expect(faulty.trips).toHaveLength(1);
	});

	it("backs off with full jitter below a doubling cap", () => {
		const policy = recordingPolicy();
		for (const [attempt, cap] of [
			[1, 100],
			[2, 200],
			[3, 400],
		] as const) {
			expect(backoffMs(attempt, { ...policy, random: () => 0 })).toBe(0);
			expect(backoffMs(attempt, policy)).toBe(cap - 1);
		}
	});
});

describe("D1 retries: writes", () => {
	it("never repeats a write whose outcome is unknown (a guarded version bump)", async () => {
		const { pattern } = await createPattern({ title: "Unknown outcome" });
		const { db, faulty } = dbOver({ failAt: 1, when: "after" });
		const bump = db
			.update(patterns)
			.set({ version: sql`${patterns.version} + 1` })
			.where(eq(patterns.id, pattern.id));
		await expect(bump).rejects.toMatchObject(failedWith("Network connection lost"));
		expect(faulty.trips).toHaveLength(1);
		// It did commit, once: a blind retry would have bumped it twice.
		const row = await env.DB.prepare("SELECT version FROM patterns WHERE id = ?")
			.bind(pattern.id)
			.first<{ version: number }>();
		expect(row?.version).toBe(2);
	});

	it("repeats a write declared idempotent", async () => {
		const { db, faulty } = dbOver({ failAt: 1, when: "after" });
		const mark = idempotent(
			db.update(patterns).set({ description: "same" }).where(eq(patterns.id, -1)),
		);
		await mark;
		expect(faulty.trips.map((trip) => trip.failed)).toEqual([true, false]);
	});

	it("retries the cron's idempotent batch and completes the run", async () => {
		const { pattern } = await createPattern({
			title: "Cron retry",
			start_date: todayPlus(1),
			generate_occurrences: false,
		});
		const batchTrip = 2; // the page read, then the page's batch
		const { db, faulty } = dbOver({ failAt: batchTrip, times: 2, when: "after" });
		const report = await materializeDuePatterns(db, { now: Date.now(), months: 1 });
		expect(report.complete).toBe(true);
		expect(faulty.trips.filter((trip) => trip.kind === "batch")).toHaveLength(3);
		const count = await env.DB.prepare("SELECT count(*) AS n FROM occurrences WHERE pattern_id = ?")
			.bind(pattern.id)
			.first<{ n: number }>();
		expect(count?.n).toBeGreaterThanOrEqual(4);
	});

	it("never retries a batch that holds a non-idempotent write", async () => {
		const { db, faulty } = dbOver({ failAt: 1 });
		const batch = db.batch([
			db.insert(patterns).values({
				title: "Never twice",
				weekdays: [1],
				time: "10:00:00",
				startDate: "2030-01-01",
				createdAt: 0,
				updatedAt: 0,
			}),
		]);
		await expect(batch).rejects.toThrow("Network connection lost");
		expect(faulty.trips).toHaveLength(1);
	});
});

describe("D1 retries through the Worker", () => {
	it("answers a GET after two transient failures, in three round trips", async () => {
		const { pattern } = await createPattern({ title: "Flaky read" });
		const { response, trips } = await send(
			{ failAt: 1, times: 2 },
			"GET",
			`/api/patterns/${pattern.id}`,
		);
		expect(response.status).toBe(200);
		expect(((await response.json()) as { title: string }).title).toBe("Flaky read");
		expect(trips).toHaveLength(3);
	});

	it("answers 503 problem+json with Retry-After once three attempts failed", async () => {
		const { pattern } = await createPattern();
		const { response, trips } = await send(
			{ failAt: 1, times: 99 },
			"GET",
			`/api/patterns/${pattern.id}`,
		);
		expect(response.status).toBe(503);
		expect(response.headers.get("Content-Type")).toBe("application/problem+json");
		expect(response.headers.get("Retry-After")).toBe("1");
		expect(await response.json()).toMatchObject({
			type: "https://calendar-api.dev/problems/unavailable",
			status: 503,
		});
		expect(trips).toHaveLength(3);
	});

	it("answers 500 problem+json for a permanent D1 error, without retrying", async () => {
		const { pattern } = await createPattern();
		const { response, trips } = await send(
			{ failAt: 1, times: 99, error: permanentError },
			"GET",
			`/api/patterns/${pattern.id}`,
		);
		expect(response.status).toBe(500);
		expect(response.headers.get("Content-Type")).toBe("application/problem+json");
		expect(response.headers.get("Retry-After")).toBeNull();
		expect(trips).toHaveLength(1);
	});

	it("sends a PATCH's write once when its reply is lost; If-Match then tells the client", async () => {
		const session = await createOneTime({ title: "Before" });
		const etag = `"o${session.id}.1"`;
		const patch = () =>
			send({ failAt: 1, when: "after" }, "PATCH", `/api/occurrences/${session.id}`, {
				body: JSON.stringify({ title: "After" }),
				headers: { "If-Match": etag },
			});
		const lost = await patch();
		expect(lost.response.status).toBe(503);
		expect(lost.trips).toHaveLength(1);
		const row = await env.DB.prepare("SELECT title, version FROM occurrences WHERE id = ?")
			.bind(session.id)
			.first();
		expect(row).toEqual({ title: "After", version: 2 });
		// The client's retry with the same If-Match learns that a write already happened.
		const retry = await send({}, "PATCH", `/api/occurrences/${session.id}`, {
			body: JSON.stringify({ title: "After" }),
			headers: { "If-Match": etag },
		});
		expect(retry.response.status).toBe(412);
	});
});
