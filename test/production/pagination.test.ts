import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { api, BASE, expectProblem } from "../support/api";
import { todayPlus } from "../support/dates";
import { createOneTime, createPattern } from "../support/fixtures";
import type { Pattern } from "../support/types";

/** The URL of a Link header's rel="next", as a path the test helper can call. */
function nextLink(header: string | null): string | undefined {
	const match = header ? /^<([^>]+)>; rel="next"$/.exec(header) : null;
	if (!match?.[1]) return undefined;
	const url = new URL(match[1]);
	expect(url.origin).toBe(BASE);
	return url.pathname + url.search;
}

/** Follows rel="next" from `first`, calling `between` before each next page; returns all ids. */
async function walk(first: string, between: (page: number) => Promise<void> = async () => {}) {
	const ids: number[] = [];
	let path: string | undefined = first;
	let pages = 0;
	while (path) {
		const response = await api<{ id: number }[]>("GET", path);
		expect(response.status, JSON.stringify(response.body)).toBe(200);
		expect(Array.isArray(response.body)).toBe(true);
		ids.push(...response.body.map((row: { id: number }) => row.id));
		path = nextLink(response.headers.get("Link"));
		pages += 1;
		if (path) await between(pages);
	}
	return { ids, pages };
}

/** Inserts patterns straight into D1 (fast, no sessions): the list's rows are all that matter. */
async function insertPatterns(count: number, title: string) {
	const now = Date.now();
	const statement = env.DB.prepare(
		"INSERT INTO patterns (title, weekdays, time, start_date, created_at, updated_at, is_active) VALUES (?, '[1]', '09:00:00', '2030-01-01', ?, ?, 0)",
	);
	await env.DB.batch(Array.from({ length: count }, () => statement.bind(title, now, now)));
}

describe("GET /api/patterns pagination", () => {
	it("walks every row once with a small limit, while rows are inserted between pages", async () => {
		await insertPatterns(11, "walk");
		const { ids, pages } = await walk("/api/patterns?limit=3&search=walk", async (page) => {
			// A row appended mid-walk lands after the cursor and is seen; none is seen twice.
			if (page <= 2) await insertPatterns(1, "walk");
		});
		const all = await env.DB.prepare(
			"SELECT id FROM patterns WHERE title = 'walk' AND deleted_at IS NULL ORDER BY id",
		).all<{ id: number }>();
		expect(ids).toEqual(all.results.map((row) => row.id));
		expect(ids).toHaveLength(13);
		expect(pages).toBe(5);
	});

	it("keeps the filters in the next link and has none on the last page", async () => {
		await insertPatterns(3, "filtered");
		const first = await api("GET", "/api/patterns?limit=2&search=filtered");
		expect(first.body).toHaveLength(2);
		const next = nextLink(first.headers.get("Link"));
		expect(next).toMatch(/^\/api\/patterns\?limit=2&search=filtered&cursor=[\w-]+$/);
		const last = await api<Pattern[]>("GET", next ?? "");
		expect(last.body.map((row) => row.title)).toEqual(["filtered"]);
		expect(last.headers.get("Link")).toBeNull();
	});

	it("defaults to 500 rows per page", async () => {
		await insertPatterns(501, "bulk");
		const first = await api("GET", "/api/patterns?search=bulk");
		expect(first.body).toHaveLength(500);
		const rest = await api("GET", nextLink(first.headers.get("Link")) ?? "");
		expect(rest.body).toHaveLength(1);
	});

	it("returns 400 for a limit outside 1–2000 or a cursor it did not issue", async () => {
		for (const query of ["limit=0", "limit=2001", "limit=ten", "limit=1.5", "cursor=bm9wZQ"]) {
			const response = await api("GET", `/api/patterns?${query}`);
			const problem = expectProblem(response, 400, "validation");
			expect(problem.errors?.[0]?.path, query).toBe(query.split("=")[0]);
		}
		expect((await api("GET", "/api/patterns?limit=2000")).status).toBe(200);
	});
});

describe("GET /api/occurrences pagination", () => {
	const range = "start=2034-03-01T00:00:00Z&end=2034-04-01T00:00:00Z";

	it("walks a range once, in start order, while sessions are inserted on both sides of the cursor", async () => {
		const starts = [1, 2, 2, 3, 5, 8, 8, 8, 13, 21].map(
			(day) => `2034-03-${String(day).padStart(2, "0")}T10:00:00Z`,
		);
		for (const start of starts) await createOneTime({ start_datetime: start });
		const before = await api("GET", `/api/occurrences?${range}`);
		const inserted: number[] = [];

		const { ids } = await walk(`/api/occurrences?${range}&limit=4`, async (page) => {
			// One session before the cursor (never seen: the walk is past it), one after it.
			const early = await createOneTime({ start_datetime: `2034-03-01T0${page}:00:00Z` });
			const late = await createOneTime({ start_datetime: `2034-03-30T0${page}:00:00Z` });
			inserted.push(early.id, late.id);
		});

		const original = before.body.map((row) => row.id);
		expect(new Set(ids).size).toBe(ids.length);
		expect(ids.filter((id) => original.includes(id))).toEqual(original);
		const after = await api("GET", `/api/occurrences?${range}`);
		const order = after.body.map((row) => row.id);
		expect(ids).toEqual(order.filter((id: number) => ids.includes(id)));
		const lateOnes = inserted.filter((_, index) => index % 2 === 1);
		expect(ids).toEqual(expect.arrayContaining(lateOnes));
	});

	it("walks a pattern's materialized sessions with the status filter kept", async () => {
		const { pattern } = await createPattern({ weekdays: [0, 2, 4], weekday: undefined });
		const window = `start=${todayPlus(0)}T00:00:00Z&end=${todayPlus(35)}T00:00:00Z&status=scheduled`;
		const everything = await api("GET", `/api/occurrences?${window}`);
		expect(everything.body.filter((row) => row.pattern_id === pattern.id).length).toBe(
			everything.body.length,
		);
		expect(everything.body.length).toBeGreaterThan(10);
		const { ids, pages } = await walk(`/api/occurrences?${window}&limit=4`);
		expect(ids).toEqual(everything.body.map((row) => row.id));
		expect(pages).toBe(Math.ceil(everything.body.length / 4));
	});

	it("rejects a patterns cursor on the occurrences list", async () => {
		await insertPatterns(2, "cursor-kind");
		const first = await api("GET", "/api/patterns?limit=1&search=cursor-kind");
		const cursor = new URL(`${BASE}${nextLink(first.headers.get("Link"))}`).searchParams.get(
			"cursor",
		);
		const response = await api("GET", `/api/occurrences?${range}&cursor=${cursor}`);
		expectProblem(response, 400, "validation");
	});
});

describe("GET /api/keys pagination", () => {
	it("pages the key list the same way", async () => {
		for (const name of ["k1", "k2", "k3"]) {
			await api("POST", "/api/keys", { body: { name, scopes: ["read"] } });
		}
		const { ids } = await walk("/api/keys?limit=2");
		const all = await api("GET", "/api/keys");
		expect(ids).toEqual(all.body.map((key) => key.id));
		expect(ids.length).toBeGreaterThanOrEqual(3);
	});
});
