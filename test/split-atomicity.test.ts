// A split is one D1 batch guarded by the pattern's version: it applies whole or not at all, and a
// change that lands between its read and its write makes it fail cleanly or step aside.
import { createExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import worker from "../src/index";
import { addDays, weekdayOnOrAfter } from "./dates";
import { api, createPattern, ROOT_TOKEN, todayPlus } from "./helpers";

/** The whole database, as rows: what "nothing changed" is checked against. */
async function snapshot() {
	const [patterns, occurrences] = await env.DB.batch([
		env.DB.prepare("SELECT * FROM patterns ORDER BY id"),
		env.DB.prepare("SELECT * FROM occurrences ORDER BY id"),
	]);
	return { patterns: patterns?.results, occurrences: occurrences?.results };
}

/**
 * Calls the Worker's entry point with a D1 binding whose write batch goes through `batch`. The
 * split's first batch is its read (the pattern and its sessions in one round trip); it goes
 * straight to D1.
 */
async function splitThrough(
	batch: (statements: D1PreparedStatement[]) => Promise<D1Result[]>,
	id: number,
	body: unknown,
	headers: Record<string, string> = {},
) {
	let batches = 0;
	// The Worker queries through a D1 session (withSession): its batches are intercepted alike.
	const intercepted = <T extends D1Database | D1DatabaseSession>(d1: T): T =>
		new Proxy(d1, {
			get(target, property) {
				if (property === "batch") {
					return (statements: D1PreparedStatement[]) =>
						batches++ === 0 ? target.batch(statements) : batch(statements);
				}
				if (property === "withSession" && "withSession" in target) {
					return (...args: Parameters<D1Database["withSession"]>) =>
						intercepted(target.withSession(...args));
				}
				const value = Reflect.get(target, property);
				return typeof value === "function" ? value.bind(target) : value;
			},
		});
	const DB = intercepted(env.DB);
	const response = await worker.fetch(
		new Request(`https://calendar.test/api/patterns/${id}/split`, {
			method: "POST",
			headers: {
				Authorization: `Bearer ${ROOT_TOKEN}`,
				"Content-Type": "application/json",
				...headers,
			},
			body: JSON.stringify(body),
		}),
		{ ...env, DB },
		createExecutionContext(),
	);
	return {
		status: response.status,
		type: response.headers.get("Content-Type"),
		body: await response.json<any>(),
	};
}

async function seedSeries() {
	const { pattern } = await createPattern({
		title: "Ceramics",
		weekday: undefined,
		weekdays: [1, 4],
		time: "17:00",
		timezone: "Europe/Paris",
		start_date: todayPlus(-10),
	});
	return { pattern, from: weekdayOnOrAfter(todayPlus(14), 1) };
}

async function sessionsOfPattern(id: number): Promise<any[]> {
	const { results } = await env.DB.prepare(
		"SELECT * FROM occurrences WHERE pattern_id = ? ORDER BY start_at, id",
	)
		.bind(id)
		.all();
	return results;
}

/** What must hold after any split, whatever raced it: no slot has two sessions. */
async function expectOneSessionPerSlot(oldId: number, newId: number | undefined) {
	const sessions = [
		...(await sessionsOfPattern(oldId)),
		...(newId ? await sessionsOfPattern(newId) : []),
	];
	const slots = sessions.map((session) => session.original_start_at);
	expect(new Set(slots).size).toBe(slots.length);
}

describe("POST /api/patterns/{id}/split, atomicity", () => {
	it("leaves everything as it was when the batch fails after any of its statements", async () => {
		const { pattern, from } = await seedSeries();
		// Each injected failure is a 500, which the app logs as an error event.
		const errors = vi.spyOn(console, "error").mockImplementation(() => {});
		let statementCount = 0;
		for (let failAfter = 0; ; failAfter++) {
			const before = await snapshot();
			// A statement that always fails (title is NOT NULL), placed after `failAfter` of the
			// split's own statements: D1 has already run those when it fails, so only a rollback
			// of the whole batch can leave the database as it was.
			const failing = env.DB.prepare("INSERT INTO occurrences (id) VALUES (NULL)");
			const response = await splitThrough(
				async (statements) => {
					statementCount = statements.length;
					return env.DB.batch([
						...statements.slice(0, failAfter),
						failing,
						...statements.slice(failAfter),
					]);
				},
				pattern.id,
				{ from, changes: { time: "18:00" } },
			);
			expect(response.status).toBe(500);
			expect(response.type).toBe("application/problem+json");
			expect(await snapshot()).toEqual(before);
			if (failAfter >= statementCount) break;
		}
		expect(statementCount).toBeGreaterThanOrEqual(5);
		expect(errors).toHaveBeenCalledTimes(statementCount + 1);
		expect(errors.mock.calls[0]?.[0]).toContain("NOT NULL constraint failed");
		errors.mockRestore();

		// Nothing was left half-done: the same split now goes through.
		const done = await api("POST", `/api/patterns/${pattern.id}/split`, {
			body: { from, changes: { time: "18:00" } },
		});
		expect(done.status).toBe(201);
		expect(done.body.created).toBeGreaterThan(0);
		expect(done.body.created).toBe(done.body.moved);
	});

	it("fails with 409, writing nothing, when the pattern is edited between its read and its write", async () => {
		const { pattern, from } = await seedSeries();
		const patternsBefore = (await snapshot()).patterns?.length;
		const response = await splitThrough(
			async (statements) => {
				// The edit lands while the split is between its read and its batch.
				const edit = await api("PATCH", `/api/patterns/${pattern.id}`, {
					body: { title: "Glazing" },
				});
				expect(edit.status).toBe(200);
				return env.DB.batch(statements);
			},
			pattern.id,
			{ from, changes: { time: "18:00" } },
		);
		expect(response.status).toBe(409);
		expect(response.type).toBe("application/problem+json");
		expect(response.body.detail).toMatch(/changed by another request/);

		const after = await snapshot();
		expect(after.patterns?.length).toBe(patternsBefore);
		const current = await api("GET", `/api/patterns/${pattern.id}`);
		expect(current.body).toMatchObject({ title: "Glazing", end_date: null, time: "17:00:00" });
		const sessions = await sessionsOfPattern(pattern.id);
		const future = sessions.filter((s) => s.start_at > Date.now());
		expect(future.every((s) => s.title === "Glazing")).toBe(true);
		await expectOneSessionPerSlot(pattern.id, undefined);
	});

	it("answers 412 instead when the client sent If-Match", async () => {
		const { pattern, from } = await seedSeries();
		const etag = (await api("GET", `/api/patterns/${pattern.id}`)).headers.get("ETag") ?? "";
		const response = await splitThrough(
			async (statements) => {
				await api("PATCH", `/api/patterns/${pattern.id}`, { body: { duration_minutes: 45 } });
				return env.DB.batch(statements);
			},
			pattern.id,
			{ from },
			{ "If-Match": etag },
		);
		expect(response.status).toBe(412);
		expect((await api("GET", `/api/patterns/${pattern.id}`)).body.end_date).toBeNull();
	});

	it("keeps a session edited meanwhile on the old series, and its slot free of a new session", async () => {
		const { pattern, from } = await seedSeries();
		const sessions = await sessionsOfPattern(pattern.id);
		const target = sessions.find((s) => s.start_at >= Date.parse(`${addDays(from, 7)}T00:00:00Z`));
		const response = await splitThrough(
			async (statements) => {
				await api("PATCH", `/api/occurrences/${target.id}`, { body: { description: "Kiln day" } });
				return env.DB.batch(statements);
			},
			pattern.id,
			{ from, changes: { title: "Ceramics II" } },
		);
		expect(response.status).toBe(201);
		const newId = response.body.new_pattern.id;
		expect(response.body.sessions.kept.map((s: any) => s.id)).toEqual([target.id]);
		// The edited session was not removed, and the new series gave up its slot.
		expect(response.body.moved).toBe(response.body.created);
		const newSlots = (await sessionsOfPattern(newId)).map((s) => s.original_start_at);
		expect(newSlots).not.toContain(target.original_start_at);
		expect(response.body.sessions.created.map((s: any) => s.id).sort()).toEqual(
			(await sessionsOfPattern(newId)).map((s) => s.id).sort(),
		);
		await expectOneSessionPerSlot(pattern.id, newId);
	});

	it("ends in a consistent state when a split and an edit run at the same time", async () => {
		// The edit starts a little later each round, so it lands at different points of the split
		// (with none, it wins the race; with a timer, the split does).
		for (const delayMs of [null, 0, 1, 2, 4, 8]) {
			const { pattern, from } = await seedSeries();
			const [splitResponse, editResponse] = await Promise.all([
				api("POST", `/api/patterns/${pattern.id}/split`, {
					body: { from, changes: { time: "19:00", title: "Late ceramics" } },
				}),
				(delayMs === null
					? Promise.resolve()
					: new Promise((resolve) => setTimeout(resolve, delayMs))
				).then(() =>
					api("PATCH", `/api/patterns/${pattern.id}`, {
						body: { description: `after ${delayMs}` },
					}),
				),
			]);
			expect(editResponse.status).toBe(200);
			expect([201, 409]).toContain(splitResponse.status);
			const current = await api("GET", `/api/patterns/${pattern.id}`);
			expect(current.body.description).toBe(`after ${delayMs}`);
			const newId = splitResponse.status === 201 ? splitResponse.body.new_pattern.id : undefined;
			await expectOneSessionPerSlot(pattern.id, newId);
			const oldFuture = (await sessionsOfPattern(pattern.id)).filter(
				(s) => s.start_at >= Date.parse(`${from}T00:00:00Z`),
			);
			if (newId) {
				expect(current.body.end_date).toBe(addDays(from, -1));
				expect(oldFuture).toEqual([]);
				const created = await sessionsOfPattern(newId);
				expect(created.length).toBeGreaterThan(0);
				expect(created.every((s) => s.title === "Late ceramics")).toBe(true);
			} else {
				expect(current.body.end_date).toBeNull();
				expect(oldFuture.length).toBeGreaterThan(0);
			}
		}
	});
});
