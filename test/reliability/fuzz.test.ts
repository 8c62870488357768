// Hostile input against every route of the OpenAPI document: random and adversarial bodies,
// query strings, path ids and headers. Whatever arrives, the answer is never a 5xx, every error
// is problem+json, and a rejected request leaves the stored data exactly as it was.
import { exports } from "cloudflare:workers";
import fc from "fast-check";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { api, createOneTime, createPattern, ROOT_TOKEN, todayPlus } from "../helpers";
import { applicationTables, fingerprinter } from "../support/fingerprint";

// Each test here makes 80 requests per operation. With every suite running at once
// on 2 cores, that can take longer than vitest's 5 s default.
vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 });

interface Operation {
	method: string;
	/** OpenAPI path, e.g. /api/patterns/{id}. */
	path: string;
	/** Names of its query parameters. */
	queryParameters: string[];
}

interface FuzzRequest {
	method: string;
	path: string;
	query: string;
	headers: Record<string, string>;
	body: string | undefined;
	/** Whether the body is the operation's own (not ignored by a drawn method that takes none). */
	bodyCounts: boolean;
}

const BASE = "https://calendar.test";
const RUNS_PER_OPERATION = 80;

/** Every operation the OpenAPI document lists: routes added later are fuzzed without a change here. */
const operations: Operation[] = await (async () => {
	const doc = await api("GET", "/openapi.json");
	type Parameters = { parameters?: { name: string; in: string }[] };
	return Object.entries(doc.body.paths as Record<string, Record<string, Parameters>>).flatMap(
		([path, item]) =>
			Object.entries(item).map(([method, operation]) => ({
				method: method.toUpperCase(),
				path,
				queryParameters: (operation.parameters ?? [])
					.filter((parameter) => parameter.in === "query")
					.map((parameter) => parameter.name),
			})),
	);
})();
let ids: { pattern: number[]; occurrence: number[]; key: number[] };
let readKey = "";
let revokedKey = "";
let fingerprintOf: (tables: string[]) => Promise<string>;
let allTables: string[] = [];

beforeAll(async () => {
	// Fuzzed materialize runs log a report line each; the assertions are what matters here.
	vi.spyOn(console, "log").mockImplementation(() => {});
	const patterns = await Promise.all([
		createPattern({ title: "Fuzz target", start_date: todayPlus(1), months_ahead: 1 }),
		createPattern({ title: "Fuzz other", weekday: 5, start_date: todayPlus(3), months_ahead: 1 }),
	]);
	const sessions = await Promise.all([createOneTime({ title: "Fuzz one-time" }), createOneTime()]);
	const read = await api("POST", "/api/keys", { body: { name: "fuzz read", scopes: ["read"] } });
	const revoked = await api("POST", "/api/keys", {
		body: { name: "fuzz gone", scopes: ["write"] },
	});
	await api("DELETE", `/api/keys/${revoked.body.id}`);
	readKey = read.body.key;
	revokedKey = revoked.body.key;
	ids = {
		pattern: patterns.map((p) => p.pattern.id),
		occurrence: sessions.map((s) => s.id),
		key: [read.body.id],
	};
	allTables = await applicationTables();
	const cache = new Map<string, () => Promise<string>>();
	fingerprintOf = async (tables) => {
		const key = tables.join();
		if (!cache.has(key)) cache.set(key, await fingerprinter(tables));
		return (cache.get(key) as () => Promise<string>)();
	};
});

// --- Adversarial values -------------------------------------------------------------------

const nastyStrings = [
	"",
	" ",
	"\u0000",
	"a\u0000b",
	"\ud800",
	"x\udfffy",
	"\ud83d\ude00".repeat(150),
	"\u202eevil\u202c",
	"\u200b\u200c\u200d\u2060",
	"\ufeff",
	"ﷺ".repeat(100),
	"Z̤͔ͧ̑̓ä͖̭̈̇lͮ̒ͫǫ̗̻̊",
	"مرحبا بالعالم",
	"a".repeat(201),
	"b".repeat(5001),
	"c".repeat(70_000),
	"NaN",
	"Infinity",
	"-Infinity",
	"-0",
	"1e309",
	"0x1F",
	"null",
	"undefined",
	"true",
	"[object Object]",
	"'; DROP TABLE patterns; --",
	"% _ \\ ' \"",
	"<script>alert(1)</script>",
	"../../etc/passwd",
	"2026-02-30",
	"2026-13-01",
	"0000-01-01",
	"9999-12-31",
	"275760-09-13",
	"24:00",
	"23:59:60",
	"-01:00",
	"2026-03-29T02:30:00",
	"2026-01-01T00:00:00+25:00",
	"2026-01-01T00:00:00.1234567891Z",
	"+002026-01-01T00:00:00Z",
	"Europe/Nowhere",
	"UTC+1",
	"../UTC",
	"Etc/GMT+14",
	"EST5EDT",
	"scheduled,cancelled,",
	",",
];

const nastyNumbers = [
	0,
	-0,
	-1,
	1,
	6,
	7,
	52,
	53,
	1000,
	1001,
	1440,
	1441,
	1.5,
	2 ** 31,
	2 ** 53,
	2 ** 53 + 2,
	-(2 ** 63),
	1e300,
	Number.MIN_VALUE,
];

const nastyString = fc.oneof(
	fc.constantFrom(...nastyStrings),
	fc.string({ unit: "binary", maxLength: 40 }),
	fc.string({ maxLength: 20 }),
);

const nastyScalar = fc.oneof(
	nastyString,
	fc.constantFrom(...nastyNumbers),
	fc.integer(),
	fc.double(),
	fc.boolean(),
	fc.constant(null),
);

const nastyValue: fc.Arbitrary<unknown> = fc.oneof(
	{ weight: 6, arbitrary: nastyScalar },
	{ weight: 1, arbitrary: fc.array(nastyScalar, { maxLength: 10 }) },
	{ weight: 1, arbitrary: fc.array(fc.integer({ min: -2, max: 8 }), { maxLength: 12 }) },
	{ weight: 1, arbitrary: fc.dictionary(fc.string({ maxLength: 8 }), nastyScalar, { maxKeys: 4 }) },
	{ weight: 1, arbitrary: fc.constant(nest(200)) },
);

function nest(depth: number): unknown {
	let value: unknown = 1;
	for (let i = 0; i < depth; i++) value = i % 2 ? [value] : { a: value };
	return value;
}

/** A valid body per operation, to mutate: most bugs hide one bad field away from a good request. */
function validBody(operation: Operation): Record<string, unknown> {
	const key = `${operation.method} ${operation.path}`;
	const bodies: Record<string, Record<string, unknown>> = {
		"POST /api/patterns": {
			title: "Fuzzed",
			weekday: 2,
			time: "10:00",
			timezone: "Europe/Paris",
			duration_minutes: 60,
			start_date: todayPlus(1),
			months_ahead: 1,
		},
		"PATCH /api/patterns/{id}": { title: "Fuzzed", time: "11:00", weekdays: [1, 3] },
		"POST /api/occurrences": {
			title: "Fuzzed",
			start_datetime: "2031-01-01T10:00:00Z",
			duration_minutes: 30,
		},
		"PATCH /api/occurrences/{id}": { title: "Fuzzed", start_datetime: "2031-01-02T10:00:00Z" },
		"POST /api/jobs/materialize": { months_ahead: 1 },
		"POST /api/keys": { name: "Fuzzed", scopes: ["read"] },
	};
	return bodies[key] ?? {};
}

const fieldNames = [
	"title",
	"description",
	"weekday",
	"weekdays",
	"interval",
	"count",
	"time",
	"timezone",
	"duration_minutes",
	"start_date",
	"end_date",
	"is_active",
	"frequency",
	"generate_occurrences",
	"months_ahead",
	"start_datetime",
	"name",
	"scopes",
	"id",
	"version",
	"__proto__",
	"constructor",
];

const malformedBodies = [
	"",
	" ",
	"{",
	"}",
	"[]",
	"null",
	"0",
	'"text"',
	"{'title': 'single quotes'}",
	'{"title": "dup", "title": 5}',
	'{"weekday": 1, "weekday": "one"}',
	'{"title": "a",}',
	'{"title": "\\ud800"}',
	'{"title": "\\u0000"}',
	'{"weekday": 1e400}',
	'{"weekday": -0}',
	'{"duration_minutes": 60.0000000000000001}',
	'{"__proto__": {"title": "polluted"}}',
	"\ufeff{}",
	"NaN",
	`${"[".repeat(5000)}${"]".repeat(5000)}`,
	`${'{"a":'.repeat(3000)}1${"}".repeat(3000)}`,
	`{"title": "${"x".repeat(70_000)}"}`,
	"title=form&weekday=1",
];

const body = (operation: Operation) =>
	fc.oneof(
		{
			weight: 5,
			arbitrary: fc
				.tuple(
					fc.array(fc.tuple(fc.constantFrom(...fieldNames), nastyValue), { maxLength: 3 }),
					fc.array(fc.constantFrom(...fieldNames), { maxLength: 2 }),
				)
				.map(([changes, removals]) => {
					const mutated: Record<string, unknown> = { ...validBody(operation) };
					for (const [field, value] of changes) mutated[field] = value;
					for (const field of removals) delete mutated[field];
					return JSON.stringify(mutated);
				}),
		},
		{ weight: 2, arbitrary: fc.constantFrom(...malformedBodies) },
		{ weight: 1, arbitrary: fc.json({ maxDepth: 3 }) },
		{ weight: 1, arbitrary: fc.constant(undefined) },
	);

const pathId = fc.oneof(
	fc.constantFrom("1", "2", "3", "0", "-1", "01", "1.0", "1e2", "0x10", "9007199254740993"),
	fc.constantFrom(
		"99999999999999999999",
		"NaN",
		"null",
		"%00",
		"%2e%2e",
		"%F0%9F%99%82",
		"%E2%80%AE1",
	),
	fc.constantFrom("٣", "١٢", "1%20", "%20", "a/b", "1;DROP", "[1]"),
	fc.integer({ min: 1, max: 40 }).map(String),
	fc.string({ maxLength: 12 }).map(encodeURIComponent),
);

const queryNames = [
	"start",
	"end",
	"status",
	"limit",
	"cursor",
	"is_active",
	"weekday",
	"search",
	"delete_future",
	"key",
	"pattern_id",
];

/** A valid range query, to mutate: list endpoints reject almost anything without one. */
const validRange = "start=2026-01-01T00:00:00Z&end=2026-12-01T00:00:00Z";

const query = fc.oneof(
	{
		weight: 4,
		arbitrary: fc
			.record({
				base: fc.boolean(),
				pairs: fc.array(
					fc.tuple(
						fc.oneof(fc.constantFrom(...queryNames), fc.string({ maxLength: 6 })),
						fc.oneof(
							nastyString,
							fc.constantFrom(
								"2026-01-01T00:00:00Z",
								"2027-01-02T00:00:00Z",
								"2030-12-31T00:00:00Z",
								"0",
								"2000",
								"2001",
								"eyJzIjoxLCJpIjoyfQ",
								"eyJzIjoiMSIsImkiOjJ9",
								"eyJpZCI6OTAwNzE5OTI1NDc0MDk5M30",
							),
						),
						fc.boolean(),
					),
					{ maxLength: 4 },
				),
			})
			.map(({ base, pairs }) => {
				const params = new URLSearchParams(base ? validRange : "");
				for (const [name, value, replace] of pairs) {
					const clean = value.replace(/[\ud800-\udfff]/g, "");
					if (replace) params.set(name, clean);
					else params.append(name, clean);
				}
				return `?${params}`;
			}),
	},
	{
		weight: 1,
		arbitrary: fc.constantFrom(
			"?",
			"?%",
			"?a=%zz",
			"?start[]=1&start[]=2",
			"?&&&=&",
			"?limit=1&limit=2",
			`?${validRange}&limit=2001`,
			`?${validRange}&status=scheduled,,cancelled`,
		),
	},
	{ weight: 1, arbitrary: fc.constant("") },
);

/** A value each parameter would accept on its own: repeating it is then the only fault. */
const plausible: Record<string, [string, string]> = {
	start: ["2026-01-01T00:00:00Z", "2026-02-01T00:00:00Z"],
	end: ["2026-12-01T00:00:00Z", "2026-11-01T00:00:00Z"],
	status: ["scheduled", "cancelled"],
	limit: ["1", "2"],
	cursor: ["eyJzIjoxLCJpIjoyfQ", "eyJzIjoxLCJpIjozfQ"],
	is_active: ["true", "false"],
	weekday: ["1", "2"],
	search: ["yoga", "pilates"],
	delete_future: ["true", "false"],
	key: [ROOT_TOKEN, "cal_other"],
	pattern_id: ["1", "2"],
};

/**
 * Every parameter name repeated (twice, and 2,000 times) and very long (100,000 characters, or
 * 5,000 list items), plus floods of unknown parameters: each on every operation, after a valid
 * range (which operations without one ignore).
 */
const stressedQueries: string[] = [
	...queryNames.flatMap((name) => {
		const [first, second] = plausible[name] ?? ["1", "2"];
		const twice = `${name}=${encodeURIComponent(first)}&${name}=${encodeURIComponent(second)}`;
		const often = Array.from({ length: 2000 }, () => `${name}=${encodeURIComponent(first)}`).join(
			"&",
		);
		return [
			`?${validRange}&${twice}`,
			`?${validRange}&${often}`,
			`?${validRange}&${name}=${"x".repeat(100_000)}`,
			`?${validRange}&${name}=${encodeURIComponent(`${first},`.repeat(5_000))}`,
		];
	}),
	`?${validRange}&${Array.from({ length: 5000 }, (_, i) => `p${i}=${i}`).join("&")}`,
	`?${validRange}&${"u=".repeat(20_000)}`,
	`?${"%FF".repeat(10_000)}=${"%00".repeat(10_000)}`,
	`?${validRange}&start[]=1&start[0]=2&start.x=3`,
];

/** Header values are bytes; workerd warns about (and UTF-8-encodes) anything past ASCII. */
const headerSafe = (text: string) => text.replace(/[^\x20-\x7e]/g, "").trim();

const headerValue = (samples: string[]) =>
	fc.oneof(
		fc.constantFrom(...samples),
		nastyString.map(headerSafe),
		fc.string({ maxLength: 300 }).map(headerSafe),
	);

const headers = fc.record(
	{
		Authorization: headerValue([
			`Bearer ${ROOT_TOKEN}`,
			`Bearer ${ROOT_TOKEN}`,
			`bearer   ${ROOT_TOKEN}  `,
			"Bearer",
			"Bearer ",
			"Basic dXNlcjpwYXNz",
			"Bearer cal_",
			"Bearer cal_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
			`Bearer ${"x".repeat(5000)}`,
			`Bearer ${ROOT_TOKEN}, Bearer other`,
		]),
		"Content-Type": headerValue([
			"application/json",
			"application/json",
			"application/json; charset=utf-8",
			"application/problem+json",
			"application/merge-patch+json",
			"application/jsonx",
			"text/plain",
			"text/json",
			"application/x-www-form-urlencoded",
			"multipart/form-data; boundary=xyz",
			"",
		]),
		"If-Match": headerValue([
			'"p1.1"',
			'"o1.1"',
			'"p1.99999999999999999999"',
			"*",
			'W/"p1.1"',
			'"p1.1", "p2.1"',
			'"',
			"p1.1",
		]),
		"If-None-Match": headerValue(['"p1.1"', "*", 'W/"o1.1"', '"x", W/"y"', ",,,"]),
		"Idempotency-Key": headerValue([
			"k",
			"k".repeat(255),
			"k".repeat(256),
			"has space",
			"tab\tkey",
			"fuzz-key-1",
		]),
		"X-Request-Id": headerValue(["abc", "x".repeat(200), "../../"]),
	},
	{ requiredKeys: [] },
);

const requestFor = (operation: Operation) =>
	fc
		.record({
			method: fc.oneof(
				{ weight: 4, arbitrary: fc.constant(operation.method) },
				{
					weight: 1,
					arbitrary: fc.constantFrom("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"),
				},
			),
			id: fc.oneof(
				{ weight: 1, arbitrary: pathId },
				{ weight: 1, arbitrary: fc.constantFrom("known-pattern", "known-occurrence", "known-key") },
			),
			slash: fc.boolean(),
			query,
			headers,
			body: body(operation),
			// Mostly JSON and a valid credential, so most requests reach validation and the database.
			json: fc.constantFrom(true, true, true, false),
			credential: fc.constantFrom(
				"root",
				"root",
				"root",
				"root",
				"root",
				"drawn",
				"read",
				"revoked",
			),
		})
		.map((drawn): FuzzRequest => {
			const known = {
				"known-pattern": ids.pattern[0],
				"known-occurrence": ids.occurrence[0],
				"known-key": ids.key[0],
			} as Record<string, number | undefined>;
			const id = String(known[drawn.id] ?? drawn.id);
			const headers = { ...drawn.headers };
			if (drawn.json) headers["Content-Type"] = "application/json";
			if (drawn.credential === "root") headers.Authorization = `Bearer ${ROOT_TOKEN}`;
			if (drawn.credential === "read") headers.Authorization = `Bearer ${readKey}`;
			if (drawn.credential === "revoked") headers.Authorization = `Bearer ${revokedKey}`;
			const noBody = drawn.method === "GET" || drawn.method === "HEAD";
			return {
				method: drawn.method,
				path: operation.path.replace("{id}", id) + (drawn.slash ? "/" : ""),
				query: drawn.query,
				headers,
				body: noBody ? undefined : drawn.body,
				bodyCounts:
					drawn.method === operation.method && Object.keys(validBody(operation)).length > 0,
			};
		});

// --- The property -------------------------------------------------------------------------

/** Tables a rejection must leave alone: a POST with a well-formed key stores its rejection for replay. */
function guardedTables(request: FuzzRequest): string[] {
	const key = request.headers["Idempotency-Key"];
	const storesRejection =
		request.method === "POST" && key !== undefined && /^[\x21-\x7e]{1,255}$/.test(key);
	return storesRejection ? allTables.filter((table) => table !== "idempotency_keys") : allTables;
}

/** Checks the answer to one request; returns its status, time and problem (none for HEAD). */
async function expectHandledCleanly(
	request: FuzzRequest,
	tally: number[] = [],
): Promise<{ status: number; ms: number; problem?: any }> {
	const tables = guardedTables(request);
	const before = await fingerprintOf(tables);
	const started = Date.now();
	const response = await exports.default.fetch(`${BASE}${request.path}${request.query}`, {
		method: request.method,
		headers: request.headers,
		body: request.body,
	});
	const text = await response.text();
	const ms = Date.now() - started;
	tally.push(response.status);
	const context = `${request.method} ${request.path}${request.query} → ${response.status} ${text.slice(0, 300)}`;
	expect(response.status, context).toBeLessThan(500);
	if (response.status < 400) {
		expectTextKept(request, response.status, text, context);
		return { status: response.status, ms };
	}

	let problem: any;
	if (request.method !== "HEAD") {
		expect(response.headers.get("Content-Type"), context).toBe("application/problem+json");
		problem = JSON.parse(text);
		expect(problem, context).toMatchObject({
			type: expect.stringMatching(/^https:\/\/calendar-api\.dev\/problems\/\w+$/),
			title: expect.any(String),
			status: response.status,
			detail: expect.any(String),
			instance: expect.any(String),
		});
		for (const error of problem.errors ?? []) {
			expect(error, context).toEqual({ path: expect.any(String), message: expect.any(String) });
		}
	}
	expect(await fingerprintOf(tables), `${context}: a rejected request changed stored data`).toBe(
		before,
	);
	return { status: response.status, ms, problem };
}

/** Accepted text comes back exactly as sent: nothing silently mangled on the way to storage. */
function expectTextKept(request: FuzzRequest, status: number, text: string, context: string) {
	if (status >= 300 || !request.bodyCounts || request.body === undefined) return;
	if (!text.startsWith("{")) return;
	let sent: Record<string, unknown>;
	try {
		sent = JSON.parse(request.body);
	} catch {
		return;
	}
	const answer = JSON.parse(text);
	const stored = answer.pattern ?? answer.occurrence ?? answer;
	for (const field of ["title", "description", "name"]) {
		const value = sent?.[field];
		if (typeof value === "string" && field in stored) expect(stored[field], context).toBe(value);
	}
}

describe("hostile input on every route", () => {
	it("covers every operation of the OpenAPI document", () => {
		expect(operations.length).toBeGreaterThanOrEqual(14);
	});

	it.each(operations.map((operation) => [`${operation.method} ${operation.path}`, operation]))(
		"%s: never a 5xx, errors as problem+json, nothing changed by a rejection",
		async (_, operation) => {
			const tally: number[] = [];
			await fc.assert(
				fc.asyncProperty(requestFor(operation), async (request) => {
					await expectHandledCleanly(request, tally);
				}),
				{ numRuns: RUNS_PER_OPERATION },
			);
			// Most requests got past authentication, into validation and the database.
			const authenticated = tally.filter((status) => status !== 401 && status !== 403);
			expect(authenticated.length).toBeGreaterThan(tally.length / 3);
		},
	);

	it.each(operations.map((operation) => [`${operation.method} ${operation.path}`, operation]))(
		"%s: repeated and very long query parameters are a clear 4xx or ignored, never a 5xx",
		async (_, operation) => {
			// Targets of this operation's own, so a DELETE here takes nothing from the other tests.
			const target = operation.path.startsWith("/api/keys/")
				? (await api("POST", "/api/keys", { body: { name: "stress", scopes: ["read"] } })).body.id
				: operation.path.startsWith("/api/patterns/")
					? (await createPattern({ title: "Stress target", start_date: todayPlus(1) })).pattern.id
					: (await createOneTime({ title: "Stress target" })).id;
			const path = operation.path.replace("{id}", String(target));
			const durations: number[] = [];
			for (const query of stressedQueries) {
				const noBody = operation.method === "GET" || operation.method === "DELETE";
				const { status, ms, problem } = await expectHandledCleanly({
					method: operation.method,
					path,
					query,
					headers: { Authorization: `Bearer ${ROOT_TOKEN}`, "Content-Type": "application/json" },
					body: noBody ? undefined : JSON.stringify(validBody(operation)),
					bodyCounts: false,
				});
				durations.push(ms);
				const context = `${operation.method} ${path}${query.slice(0, 200)} → ${status}`;
				expect(JSON.stringify(problem ?? {}), context).not.toContain("received array");
				// A repeated parameter the operation takes is refused by name, whatever else is wrong.
				const repeated = operation.queryParameters.filter(
					(name) => new URLSearchParams(query).getAll(name).length > 1,
				);
				if (status === 400 && problem?.type?.endsWith("/validation")) {
					for (const name of repeated) {
						expect(problem.errors, context).toContainEqual({
							path: name,
							message: `\`${name}\` must be given once.`,
						});
					}
				}
				if (repeated.length > 0) expect(status, context).toBeGreaterThanOrEqual(400);
			}
			// No query costs real work: the slowest answer here took 0.25 s on a loaded 2-core machine.
			expect(Math.max(...durations)).toBeLessThan(2_000);
		},
	);

	it("answers requests to unknown paths cleanly", async () => {
		await fc.assert(
			fc.asyncProperty(
				fc.constantFrom(
					"/api",
					"/api/",
					"/api/patterns/1/2",
					"/api/occurrences/1/complete/x",
					"/api/nope",
					"/",
					"/api/patterns/%ZZ",
				),
				fc.constantFrom("GET", "POST", "PUT", "DELETE", "PATCH"),
				headers,
				async (path, method, headers) => {
					await expectHandledCleanly({
						method,
						path,
						query: "",
						headers,
						body: method === "GET" ? undefined : "{}",
						bodyCounts: false,
					});
				},
			),
			{ numRuns: 60 },
		);
	});
});
