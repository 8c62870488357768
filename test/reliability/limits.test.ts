// Every input limit at its boundary: the maximum is accepted, one past it is a 400 (413 for the
// body) naming the field in errors[].path with a message that states the limit.
import { describe, expect, it } from "vitest";
import { limits } from "../../src/lib/fields";
import { type ApiResponse, api, problemOf } from "../support/api";
import { todayPlus } from "../support/dates";
import { createPattern, validPattern } from "../support/fixtures";

function expectRejected(response: ApiResponse, status: number, path: string, message: RegExp) {
	expect(response.status, JSON.stringify(response.body)).toBe(status);
	expect(response.headers.get("Content-Type")).toBe("application/problem+json");
	expect(problemOf(response).errors).toContainEqual({
		path,
		message: expect.stringMatching(message),
	});
}

const newPattern = (overrides: Record<string, unknown>) =>
	api("POST", "/api/patterns", {
		body: validPattern({ start_date: todayPlus(1), months_ahead: 1, ...overrides }),
	});

describe("text limits", () => {
	it.each([
		["title", limits.titleLength, /Title is at most 200 characters/],
		["description", limits.descriptionLength, /Description is at most 5000 characters/],
	] as const)("accepts a %s of %i characters and rejects one more", async (field, max, message) => {
		const atMax = await newPattern({ [field]: "é".repeat(max) });
		expect(atMax.status).toBe(201);
		expect(atMax.body.pattern[field]).toBe("é".repeat(max));
		expectRejected(await newPattern({ [field]: "é".repeat(max + 1) }), 400, field, message);
	});

	it("counts characters, not UTF-16 units: 200 emoji make a valid title", async () => {
		const emoji = "\u{1F9D8}".repeat(limits.titleLength);
		const created = await newPattern({ title: emoji });
		expect(created.status).toBe(201);
		expect(created.body.pattern.title).toBe(emoji);
		expectRejected(await newPattern({ title: `${emoji}x` }), 400, "title", /at most 200/);
	});

	it("rejects an unpaired surrogate instead of storing a mangled title", async () => {
		const response = await api("POST", "/api/occurrences", {
			raw: '{"title": "Yoga \\ud83e", "start_datetime": "2031-01-01T10:00:00Z"}',
			headers: { "Content-Type": "application/json" },
		});
		expectRejected(response, 400, "title", /valid Unicode text/);
		const { pattern } = await createPattern({ start_date: todayPlus(1), months_ahead: 1 });
		const patch = await api("PATCH", `/api/patterns/${pattern.id}`, {
			raw: '{"description": "\\udc00 lone"}',
			headers: { "Content-Type": "application/json" },
		});
		expectRejected(patch, 400, "description", /valid Unicode text/);
	});

	it("keeps right-to-left, zero-width and NUL characters exactly", async () => {
		const title = "\u202eسلام\u200b\u0000 yoga\u2066";
		const created = await newPattern({ title });
		expect(created.status).toBe(201);
		const read = await api("GET", `/api/patterns/${created.body.pattern.id}`);
		expect(read.body.title).toBe(title);
	});

	it("rejects a blank title", async () => {
		expectRejected(await newPattern({ title: "" }), 400, "title", /may not be blank/);
	});

	it("limits API key names to 100 characters", async () => {
		const ok = await api("POST", "/api/keys", {
			body: { name: "k".repeat(100), scopes: ["read"] },
		});
		expect(ok.status).toBe(201);
		const over = await api("POST", "/api/keys", {
			body: { name: "k".repeat(101), scopes: ["read"] },
		});
		expectRejected(over, 400, "name", /100/);
	});

	it("limits the search text to 200 characters", async () => {
		const ok = await api("GET", `/api/patterns?search=${"s".repeat(200)}`);
		expect(ok.status).toBe(200);
		expectRejected(
			await api("GET", `/api/patterns?search=${"s".repeat(201)}`),
			400,
			"search",
			/200/,
		);
	});
});

describe("series limits", () => {
	it("accepts all seven weekdays and rejects an eighth entry", async () => {
		const all = await newPattern({ weekday: undefined, weekdays: [6, 5, 4, 3, 2, 1, 0] });
		expect(all.status).toBe(201);
		expect(all.body.pattern.weekdays).toEqual([0, 1, 2, 3, 4, 5, 6]);
		const eight = await newPattern({ weekday: undefined, weekdays: [0, 1, 2, 3, 4, 5, 6, 0] });
		expectRejected(eight, 400, "weekdays", /at most 7 weekdays/);
		const repeated = await newPattern({ weekday: undefined, weekdays: [2, 2] });
		expectRejected(repeated, 400, "weekdays", /must not repeat/);
	});

	it.each([
		["interval", limits.maxInterval, /Interval is 1 to 52 weeks/],
		["count", limits.maxCount, /Count is 1 to 1000/],
		["months_ahead", limits.maxMonthsAhead, /months_ahead is 1 to 12/],
		["duration_minutes", 1440, /at most 1440 minutes/],
	] as const)("accepts %s = %i and rejects one more", async (field, max, message) => {
		const atMax = await newPattern({ [field]: max });
		expect(atMax.status, JSON.stringify(atMax.body)).toBe(201);
		expectRejected(await newPattern({ [field]: max + 1 }), 400, field, message);
	});

	it("limits the materialize job's months_ahead to 12", async () => {
		const ok = await api("POST", "/api/jobs/materialize", { body: { months_ahead: 12 } });
		expect(ok.status).toBe(200);
		expect(ok.body.complete).toBe(true);
		const over = await api("POST", "/api/jobs/materialize", { body: { months_ahead: 13 } });
		expectRejected(over, 400, "months_ahead", /12/);
	});
});

describe("list limits", () => {
	const start = "2030-01-01T00:00:00Z";
	const days = (n: number) => new Date(Date.parse(start) + n * 86_400_000).toISOString();

	it("accepts a range of any span: 414 days, as old clients send, and a century", async () => {
		expect((await api("GET", `/api/occurrences?start=${start}&end=${days(414)}`)).status).toBe(200);
		expect((await api("GET", `/api/occurrences?start=${start}&end=${days(36_525)}`)).status).toBe(
			200,
		);
	});

	it.each(["/api/patterns?", `/api/occurrences?start=${start}&end=${days(30)}&`])(
		"accepts limit=2000 and rejects 2001 on %s",
		async (list) => {
			expect((await api("GET", `${list}limit=${limits.maxListLimit}`)).status).toBe(200);
			expectRejected(await api("GET", `${list}limit=2001`), 400, "limit", /limit is 1 to 2000/);
			expectRejected(await api("GET", `${list}limit=0`), 400, "limit", /limit is 1 to 2000/);
		},
	);
});

describe("request limits", () => {
	/** A valid create body padded with JSON whitespace to exactly `bytes` bytes. */
	function paddedBody(bytes: number) {
		const json = JSON.stringify(
			validPattern({ title: "Padded", start_date: todayPlus(1), months_ahead: 1 }),
		);
		return `${json}${" ".repeat(bytes - new TextEncoder().encode(json).length)}`;
	}

	it("accepts a body of exactly 64 KiB and answers 413 to one byte more", async () => {
		const headers = { "Content-Type": "application/json" };
		const atMax = await api("POST", "/api/patterns", {
			raw: paddedBody(limits.bodyBytes),
			headers,
		});
		expect(atMax.status).toBe(201);
		const over = await api("POST", "/api/patterns", {
			raw: paddedBody(limits.bodyBytes + 1),
			headers,
		});
		expectRejected(over, 413, "(body)", /at most 65536 bytes/);
	});

	it("accepts an Idempotency-Key of 255 characters and rejects 256", async () => {
		const body = { title: "Keyed limit", start_datetime: "2031-03-03T10:00:00Z" };
		const ok = await api("POST", "/api/occurrences", {
			body,
			headers: { "Idempotency-Key": "k".repeat(255) },
		});
		expect(ok.status).toBe(201);
		const over = await api("POST", "/api/occurrences", {
			body,
			headers: { "Idempotency-Key": "k".repeat(256) },
		});
		expectRejected(over, 400, "Idempotency-Key", /1–255/);
	});
});

describe("query parameter lists", () => {
	it("answers a status list of 200 repeated entries like the one status it names", async () => {
		const range = "start=2026-01-01T00:00:00Z&end=2026-12-01T00:00:00Z";
		const once = await api("GET", `/api/occurrences?${range}&status=scheduled`);
		const repeated = await api(
			"GET",
			`/api/occurrences?${range}&status=${Array(200).fill("scheduled").join(",")}`,
		);
		expect(repeated.status, JSON.stringify(repeated.body)).toBe(200);
		expect(repeated.body).toEqual(once.body);
	});
});
