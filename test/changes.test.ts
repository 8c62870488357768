import { afterEach, describe, expect, it, vi } from "vitest";
import { book, sessionWithSeats } from "./bookings/support";
import { api, d1Usage, expectProblem, present } from "./support/api";
import { runCron } from "./support/cron";
import { todayPlus } from "./support/dates";
import { createOneTime, createPattern } from "./support/fixtures";

interface Change {
	seq: number;
	type: string;
	id: number;
	op: string;
	event: string;
	at: string;
	data: { [field: string]: unknown } | null;
}

/** Walks the feed from `cursor` to its end; answers the changes and the cursor to poll with next. */
async function walk(cursor?: string, limit = 1000) {
	const seen: Change[] = [];
	for (;;) {
		const query = new URLSearchParams({ limit: String(limit), ...(cursor ? { cursor } : {}) });
		const page = await api("GET", `/api/changes?${query}`);
		expect(page.status).toBe(200);
		seen.push(...(page.body.changes as Change[]));
		cursor = page.body.next_cursor as string;
		if (!page.body.has_more) return { changes: seen, cursor };
	}
}

const of = (changes: Change[], type: string, id: number) =>
	changes.filter((change) => change.type === type && change.id === id);

afterEach(() => {
	vi.useRealTimers();
});

describe("GET /api/changes", () => {
	it("reports 50 mixed writes as at least 50 changes, in seq order without a gap, with the right ops", async () => {
		const start = (await walk()).cursor;
		const patterns: number[] = [];
		let writes = 0;
		for (let i = 0; i < 6; i++) {
			const { pattern } = await createPattern({
				title: `feed ${i}`,
				start_date: todayPlus(1),
				months_ahead: 1,
			});
			patterns.push(pattern.id);
			writes++;
		}
		const sessions: number[] = [];
		for (let i = 0; i < 20; i++) {
			sessions.push(
				(
					await createOneTime({
						title: `one ${i}`,
						start_datetime: `2031-0${1 + (i % 9)}-1${i % 10}T10:00:00Z`,
					})
				).id,
			);
			writes++;
		}
		for (const [index, id] of sessions.entries()) {
			const action = index % 3;
			const response =
				action === 0
					? await api("PATCH", `/api/occurrences/${id}`, { body: { title: `edited ${index}` } })
					: action === 1
						? await api("DELETE", `/api/occurrences/${id}`)
						: await api("POST", `/api/occurrences/${id}/complete`);
			expect(response.status).toBe(200);
			writes++;
		}
		const [renamed, moved, deleted, deactivated, split] = patterns as [
			number,
			number,
			number,
			number,
			number,
		];
		expect(
			(await api("PATCH", `/api/patterns/${renamed}`, { body: { title: "renamed" } })).status,
		).toBe(200);
		expect((await api("PATCH", `/api/patterns/${moved}`, { body: { time: "21:00" } })).status).toBe(
			200,
		);
		expect((await api("DELETE", `/api/patterns/${deleted}`)).status).toBe(200);
		expect((await api("DELETE", `/api/patterns/${deactivated}?delete_future=false`)).status).toBe(
			200,
		);
		const splitResponse = await api("POST", `/api/patterns/${split}/split`, {
			body: { from: todayPlus(15), changes: { time: "19:00" } },
		});
		expect(splitResponse.status).toBe(201);
		writes += 5;
		expect(writes).toBeGreaterThanOrEqual(50);

		const { changes } = await walk(start, 7);
		expect(changes.length).toBeGreaterThanOrEqual(50);
		for (const [index, change] of changes.entries()) {
			if (index > 0) expect(change.seq).toBe(changes[index - 1]!.seq + 1);
		}

		const untouched = of(changes, "pattern", patterns[5]!);
		expect(untouched.map((c) => [c.op, c.event])).toEqual([["created", "pattern.created"]]);
		expect(untouched[0]!.data).toMatchObject({
			id: patterns[5],
			title: "feed 5",
			time: "07:30:00",
		});
		const rename = of(changes, "pattern", renamed);
		expect(rename.map((c) => [c.op, c.data?.title])).toEqual([
			["created", "feed 0"],
			["updated", "renamed"],
		]);

		const oneTime = sessions.map((id) => of(changes, "occurrence", id).map((c) => c.event));
		expect(oneTime[0]).toEqual(["occurrence.created", "occurrence.updated"]);
		expect(oneTime[1]).toEqual(["occurrence.created", "occurrence.cancelled"]);
		expect(oneTime[2]).toEqual(["occurrence.created", "occurrence.completed"]);
		expect(of(changes, "occurrence", sessions[1]!)[1]!.data).toMatchObject({ status: "cancelled" });
		expect(of(changes, "occurrence", sessions[0]!)[1]!.data).toMatchObject({
			title: "edited 0",
			start_local: expect.any(String),
		});

		// Every session a pattern write touched has its change: created, renamed, removed.
		const renamedSessions = await api(
			"GET",
			`/api/patterns/${renamed}/occurrences?start=${todayPlus(0)}T00:00:00Z&end=${todayPlus(60)}T00:00:00Z`,
		);
		for (const session of renamedSessions.body) {
			expect(of(changes, "occurrence", session.id).map((c) => c.op)).toEqual([
				"created",
				"updated",
			]);
		}
		expect(of(changes, "pattern", deleted).map((c) => c.op)).toEqual(["created", "deleted"]);
		expect(of(changes, "pattern", deleted)[1]!.data).toBeNull();
		const removed = changes.filter((c) => c.type === "occurrence" && c.op === "deleted");
		expect(removed.length).toBeGreaterThan(0);
		expect(removed.every((c) => c.data === null)).toBe(true);
		expect(of(changes, "pattern", deactivated).map((c) => c.data?.is_active)).toEqual([
			true,
			false,
		]);
		const successor = splitResponse.body.new_pattern?.id ?? undefined;
		if (successor !== undefined) {
			expect(of(changes, "pattern", successor).map((c) => c.op)).toEqual(["created"]);
		}
		// One change per resource per write: no resource is reported twice for the same seq run.
		const keys = changes.map((c) => `${c.type}:${c.id}:${c.seq}`);
		expect(new Set(keys).size).toBe(keys.length);
	});

	it("gives the same page for the same cursor, and each change once to a client that follows next_cursor", async () => {
		const { cursor } = await walk();
		await createOneTime({ title: "a" });
		await createOneTime({ title: "b" });
		const first = await api("GET", `/api/changes?limit=1&cursor=${cursor}`);
		const again = await api("GET", `/api/changes?limit=1&cursor=${cursor}`);
		expect(again.body).toEqual(first.body);
		expect(first.body.has_more).toBe(true);
		const second = await api("GET", `/api/changes?limit=1&cursor=${first.body.next_cursor}`);
		const [one, two] = [present(first.body.changes[0]), present(second.body.changes[0])];
		expect(two.seq).toBe(one.seq + 1);
		const titleOf = (change: typeof one) => (change.data as { title?: string } | null)?.title;
		expect([titleOf(one), titleOf(two)]).toEqual(["a", "b"]);
	});

	it("answers a page in one query that reads at most the rows it returns plus two", async () => {
		for (let i = 0; i < 3; i++) await createOneTime({ title: `read ${i}` });
		const page = await api("GET", "/api/changes?limit=3");
		expect(page.body.changes).toHaveLength(3);
		const usage = d1Usage(page);
		expect(usage.queries).toBe(1);
		expect(usage.rowsRead).toBeLessThanOrEqual(3 + 2);
	});

	it("filters by ?calendar_id= through the calendar-first index, in one query", async () => {
		for (let i = 0; i < 3; i++) await createOneTime({ title: `calendar ${i}` });
		const mine = await api("GET", "/api/changes?calendar_id=1&limit=3");
		expect(mine.body.changes).toHaveLength(3);
		expect(mine.body.changes.every((c: { calendar_id: number }) => c.calendar_id === 1)).toBe(true);
		expect(d1Usage(mine).queries).toBe(1);
		expect(d1Usage(mine).rowsRead).toBeLessThanOrEqual(3 + 2);
		const other = await api("GET", "/api/changes?calendar_id=2");
		expect(other.body).toMatchObject({ changes: [], has_more: false });
	});

	it("reports every session the cron materializes", async () => {
		const { pattern, occurrences_created } = await createPattern({
			title: "cron feed",
			start_date: todayPlus(1),
			months_ahead: 1,
		});
		const { cursor } = await walk();
		const [report] = await runCron({ horizonMonths: "4" });
		expect(report?.occurrences_created).toBeGreaterThan(0);
		const { changes } = await walk(cursor);
		const created = changes.filter(
			(c) => c.type === "occurrence" && c.data?.pattern_id === pattern.id,
		);
		expect(occurrences_created).toBeGreaterThan(0);
		expect(created.length).toBeGreaterThan(0);
		expect(created.every((c) => c.op === "created")).toBe(true);
		expect(changes.filter((c) => c.type === "occurrence").length).toBe(report?.occurrences_created);
	});

	it("is 410 for a cursor older than 30 days, and 400 for a cursor it did not issue", async () => {
		const { cursor } = await walk();
		vi.useFakeTimers({ toFake: ["Date"] });
		vi.setSystemTime(Date.now() + 31 * 86_400_000);
		expectProblem(await api("GET", `/api/changes?cursor=${cursor}`), 410);
		vi.useRealTimers();
		expectProblem(await api("GET", "/api/changes?cursor=nope"), 400);
		expectProblem(await api("GET", "/api/changes?limit=1001"), 400);
	});
});

describe("booking writes in the change feed", () => {
	it("reports a booking confirmed, one waitlisted, the cancel, the promotion and the session's counts", async () => {
		const start = (await walk()).cursor;
		const { id: session } = await sessionWithSeats(1);
		const first = await book(session, { name: "Ada", email: "ada.feed@example.com" });
		const second = await book(session, { name: "Grace", email: "grace.feed@example.com" });
		expect([first.body.status, second.body.status]).toEqual(["confirmed", "waitlisted"]);
		const refused = await book(session, { name: "Ada", email: "ada.feed@example.com" });
		expect(refused.status).toBe(409);
		expect((await api("DELETE", `/api/bookings/${first.body.id}`)).status).toBe(200);

		const { changes } = await walk(start);
		const events = (id: number) => of(changes, "booking", id).map((c) => [c.op, c.event]);
		expect(events(first.body.id)).toEqual([
			["created", "booking.confirmed"],
			["updated", "booking.cancelled"],
		]);
		expect(events(second.body.id)).toEqual([
			["created", "booking.waitlisted"],
			["updated", "booking.promoted"],
		]);
		// The capacity given to the session, then its counts after each of the three bookings writes;
		// the refused one reported nothing.
		const counts = of(changes, "occurrence", session)
			.filter((c) => c.op === "updated")
			.map((c) => [c.data?.booked, c.data?.waitlisted]);
		expect(counts).toEqual([
			[0, 0],
			[1, 0],
			[1, 1],
			[1, 0],
		]);
	});
});

describe("calendar writes in the change feed", () => {
	it("reports a calendar created, renamed and deleted, and nothing for a refused delete", async () => {
		const start = (await walk()).cursor;
		const created = await api("POST", "/api/calendars", { body: { name: "Annex" } });
		expect(created.status).toBe(201);
		const id = created.body.id;
		expect((await api("PATCH", `/api/calendars/${id}`, { body: { name: "Annex 2" } })).status).toBe(
			200,
		);
		await createOneTime({ calendar_id: id });
		expect((await api("DELETE", `/api/calendars/${id}`)).status).toBe(409);
		const empty = (await api("POST", "/api/calendars", { body: { name: "Empty" } })).body.id;
		expect((await api("DELETE", `/api/calendars/${empty}`)).status).toBe(200);

		const { changes } = await walk(start);
		expect(of(changes, "calendar", id).map((c) => [c.op, c.data?.name])).toEqual([
			["created", "Annex"],
			["updated", "Annex 2"],
		]);
		expect(of(changes, "calendar", empty).map((c) => [c.op, c.data])).toEqual([
			["created", expect.objectContaining({ name: "Empty" })],
			["deleted", null],
		]);
	});
});

describe("seat changes a pattern or the cron makes", () => {
	it("reports a capacity raise once per session, and the promotion it causes", async () => {
		const pattern = await createPattern({
			start_date: todayPlus(1),
			time: "18:00",
			capacity: 1,
			months_ahead: 1,
		});
		const range = `start=${todayPlus(0)}T00:00:00Z&end=${todayPlus(40)}T00:00:00Z`;
		const sessions = (await api("GET", `/api/patterns/${pattern.pattern.id}/occurrences?${range}`))
			.body;
		const first = present(sessions[0]).id;
		await book(first, { name: "Ada", email: "ada.cap@example.com" });
		const waiting = await book(first, { name: "Grace", email: "grace.cap@example.com" });
		expect(waiting.body.status).toBe("waitlisted");
		const start = (await walk()).cursor;
		const raised = await api("PATCH", `/api/patterns/${pattern.pattern.id}`, {
			body: { capacity: 2, title: "Bigger room" },
		});
		expect(raised.status).toBe(200);

		const { changes } = await walk(start);
		expect(of(changes, "booking", waiting.body.id).map((c) => c.event)).toEqual([
			"booking.promoted",
		]);
		for (const session of sessions) {
			expect(of(changes, "occurrence", session.id).map((c) => c.op)).toEqual(["updated"]);
		}
		const after = of(changes, "occurrence", first)[0];
		expect([after?.data?.capacity, after?.data?.booked]).toEqual([2, 2]);
	});
});
