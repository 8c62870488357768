import { afterEach, describe, expect, it, vi } from "vitest";
import { api, d1Usage, fetchWithVars, serverTimingShape } from "../support/api";
import { createOneTime } from "../support/fixtures";
import { createKey } from "../support/keys";

afterEach(() => {
	vi.restoreAllMocks();
});

/** The request log lines written while `run` ran, parsed. */
/** A request log line, as far as these tests read it. */
type LogLine = Record<string, string | number | boolean | null> & { event?: string };

async function logLines(run: () => Promise<unknown>): Promise<LogLine[]> {
	const log = vi.spyOn(console, "log").mockImplementation(() => {});
	await run();
	return log.mock.calls
		.map(([line]): LogLine | null =>
			typeof line === "string" && line.startsWith("{") ? JSON.parse(line) : null,
		)
		.filter((entry): entry is LogLine => entry?.event === "request");
}

describe("X-Request-Id", () => {
	it("echoes the client's id when it is sane", async () => {
		const response = await api("GET", "/api/patterns", {
			headers: { "X-Request-Id": "checkout-42.retry:1" },
		});
		expect(response.headers.get("X-Request-Id")).toBe("checkout-42.retry:1");
	});

	it("replaces an id that is not, with a fresh UUID", async () => {
		for (const sent of ["has space", "x".repeat(129), "<script>"]) {
			const response = await api("GET", "/api/patterns", { headers: { "X-Request-Id": sent } });
			expect(response.headers.get("X-Request-Id")).toMatch(
				/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
			);
		}
	});

	it("comes with every response: problems, 304s, preflights and pages", async () => {
		const session = await createOneTime({ start_datetime: "2036-01-01T10:00:00Z" });
		const etag = (await api("GET", `/api/occurrences/${session.id}`)).headers.get("ETag") ?? "";
		const responses = [
			await api("GET", "/api/patterns", { token: null }),
			await api("GET", "/api/patterns/abc"),
			await api("PUT", "/api/patterns"),
			await api("GET", `/api/occurrences/${session.id}`, { headers: { "If-None-Match": etag } }),
			await api("GET", "/docs", { token: null }),
			await api("GET", "/openapi.json", { token: null }),
		];
		expect(responses.map((response) => response.status)).toEqual([401, 404, 405, 304, 200, 200]);
		for (const response of responses) expect(response.headers.get("X-Request-Id")).toBeTruthy();
		const preflight = await fetchWithVars({}, "/api/patterns", {
			method: "OPTIONS",
			headers: { Origin: "https://app.example", "Access-Control-Request-Method": "GET" },
		});
		expect(preflight.headers.get("X-Request-Id")).toBeTruthy();
	});
});

describe("Server-Timing", () => {
	it("has exactly the promised form on every /api response, errors and 304s included", async () => {
		const session = await createOneTime({ start_datetime: "2036-02-01T10:00:00Z" });
		const etag = (await api("GET", `/api/occurrences/${session.id}`)).headers.get("ETag") ?? "";
		const responses = [
			await api("GET", `/api/occurrences/${session.id}`),
			await api("GET", `/api/occurrences/${session.id}`, { headers: { "If-None-Match": etag } }),
			await api("PATCH", `/api/occurrences/${session.id}`, {
				body: { title: "x" },
				headers: { "If-Match": '"o1.999"' },
			}),
			await api("GET", "/api/patterns", { token: "cal_unknownunknownunknownunknown" }),
			await api("GET", "/api/occurrences/999999"),
			await api("DELETE", "/api/patterns"),
			await api("POST", "/api/occurrences", {
				raw: "{",
				headers: { "Content-Type": "application/json" },
			}),
		];
		expect(responses.map((response) => response.status)).toEqual([
			200, 304, 412, 401, 404, 405, 400,
		]);
		for (const response of responses) {
			expect(response.headers.get("Server-Timing")).toMatch(serverTimingShape);
		}
	});

	it("sums D1's own meta over the request's queries", async () => {
		const created = await api("POST", "/api/occurrences", {
			body: { title: "Counted", start_datetime: "2036-03-01T10:00:00Z" },
		});
		expect(d1Usage(created)).toMatchObject({ queries: 1, rowsWritten: expect.any(Number) });
		expect(d1Usage(created).rowsWritten).toBeGreaterThanOrEqual(1);

		const read = await api("GET", `/api/occurrences/${created.body.id}`);
		expect(d1Usage(read)).toEqual({ queries: 1, rowsRead: 1, rowsWritten: 0 });

		// With an API key the key lookup is one more query.
		const { key } = await createKey(["read"]);
		const withKey = await api("GET", `/api/occurrences/${created.body.id}`, { token: key });
		expect(d1Usage(withKey).queries).toBe(2);

		const missing = await api("GET", "/api/occurrences/999999");
		expect(d1Usage(missing)).toMatchObject({ queries: 1, rowsWritten: 0 });
	});

	it("is not added outside /api", async () => {
		const response = await api("GET", "/openapi.json", { token: null });
		expect(response.headers.get("Server-Timing")).toBeNull();
	});
});

describe("the request log", () => {
	it("writes one JSON line per request with route, status, duration, request and key ids", async () => {
		const { id: keyId, key } = await createKey(["read"]);
		const session = await createOneTime({ start_datetime: "2036-04-01T10:00:00Z" });
		let requestId = "";
		const lines = await logLines(async () => {
			const response = await api("GET", `/api/occurrences/${session.id}`, {
				token: key,
				headers: { "X-Request-Id": "log-check-1" },
			});
			requestId = response.headers.get("X-Request-Id") ?? "";
		});
		expect(lines).toHaveLength(1);
		expect(lines[0]).toMatchObject({
			event: "request",
			method: "GET",
			route: "/api/occurrences/:id",
			path: `/api/occurrences/${session.id}`,
			status: 200,
			duration_ms: expect.any(Number),
			request_id: requestId,
			key_id: keyId,
			principal: `key:${keyId}`,
			d1: { queries: 2, rowsRead: expect.any(Number), rowsWritten: 0 },
		});
		expect(requestId).toBe("log-check-1");
	});

	it("logs failed requests too; root and anonymous callers have no key id", async () => {
		const lines = await logLines(async () => {
			await api("GET", "/api/occurrences/999999");
			await api("GET", "/api/patterns", { token: null });
		});
		expect(lines.map((line) => [line.status, line.principal, line.key_id])).toEqual([
			[404, "root", null],
			[401, "anonymous", null],
		]);
	});
});
