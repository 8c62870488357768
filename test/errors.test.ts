import { describe, expect, it } from "vitest";
import { api, expectProblem } from "./support/api";
import { createOneTime, createPattern, tableCounts } from "./support/fixtures";

const UNKNOWN = 999_999_999;

describe("malformed JSON", () => {
	it.each([
		["POST", "/api/patterns"],
		["POST", "/api/occurrences"],
		["PATCH", "/api/patterns/1"],
		["PATCH", "/api/occurrences/1"],
	])("%s %s returns 400 malformed_json", async (method, path) => {
		const response = await api(method, path, {
			raw: '{"title": "Yoga",',
			headers: { "Content-Type": "application/json" },
		});
		const problem = expectProblem(response, 400);
		expect(problem).toMatchObject({
			type: "https://calendar-api.dev/problems/malformed_json",
			title: "Malformed JSON",
			instance: path,
		});
	});
});

describe("request bodies that are not JSON", () => {
	it.each([
		["text/plain", "POST", "/api/patterns"],
		["application/x-www-form-urlencoded", "POST", "/api/occurrences"],
		["text/plain", "PATCH", "/api/patterns/1"],
		["multipart/form-data; boundary=x", "PATCH", "/api/occurrences/1"],
	])("return 415 for %s on %s %s", async (type, method, path) => {
		const response = await api(method, path, {
			raw: '{"title": "Yoga"}',
			headers: { "Content-Type": type },
		});
		expect(expectProblem(response, 415).detail).toBe("Send request bodies as application/json.");
	});

	it("accepts application/json with a charset", async () => {
		const response = await api("POST", "/api/occurrences", {
			raw: '{"title": "Yoga", "start_datetime": "2026-03-01T10:00:00Z"}',
			headers: { "Content-Type": "application/json; charset=utf-8" },
		});
		expect(response.status).toBe(201);
	});
});

describe("unknown and non-numeric ids", () => {
	const idRoutes = [
		["GET", "/api/patterns/%s", "Pattern"],
		["PATCH", "/api/patterns/%s", "Pattern"],
		["DELETE", "/api/patterns/%s", "Pattern"],
		["GET", "/api/occurrences/%s", "Occurrence"],
		["PATCH", "/api/occurrences/%s", "Occurrence"],
		["DELETE", "/api/occurrences/%s", "Occurrence"],
		["POST", "/api/occurrences/%s/complete", "Occurrence"],
	] as const;
	const withBody = (method: string) => (method === "PATCH" ? { body: { title: "x" } } : {});

	it.each(idRoutes)("%s %s returns 404 for an unknown id", async (method, template, what) => {
		const path = template.replace("%s", String(UNKNOWN));
		const problem = expectProblem(await api(method, path, withBody(method)), 404);
		expect(problem).toMatchObject({
			type: "https://calendar-api.dev/problems/not_found",
			detail: `${what} ${UNKNOWN} does not exist.`,
			instance: path,
		});
	});

	it.each(
		idRoutes.flatMap(([method, template]) =>
			["abc", "1.5", "-1", "0", "1e3", "12abc"].map((id) => [method, template.replace("%s", id)]),
		),
	)("%s %s returns 404", async (method, path) => {
		expectProblem(await api(method, path, withBody(method)), 404);
	});
});

describe("unknown routes", () => {
	it.each([
		["GET", "/"],
		["GET", "/api"],
		["GET", "/api/unknown"],
		["GET", "/api/patterns/1/unknown"],
		["POST", "/api/occurrences/1/uncomplete"],
		["GET", "/api/occurrences/1/complete/extra"],
	])("%s %s returns 404", async (method, path) => {
		const problem = expectProblem(await api(method, path), 404);
		expect(problem).toMatchObject({ detail: `No route for ${method} ${path}.`, instance: path });
	});
});

describe("wrong methods", () => {
	it.each([
		["PUT", "/api/patterns", "GET, HEAD, POST"],
		["DELETE", "/api/patterns", "GET, HEAD, POST"],
		["PUT", "/api/patterns/1", "DELETE, GET, HEAD, PATCH"],
		["POST", "/api/patterns/1", "DELETE, GET, HEAD, PATCH"],
		["PATCH", "/api/occurrences", "GET, HEAD, POST"],
		["PUT", "/api/occurrences/1", "DELETE, GET, HEAD, PATCH"],
		["GET", "/api/occurrences/1/complete", "POST"],
		["DELETE", "/api/occurrences/1/complete", "POST"],
		["PUT", "/api/patterns/", "GET, HEAD, POST"],
		["GET", "/api/occurrences/1/complete/", "POST"],
	])("%s %s returns 405 with Allow: %s", async (method, path, allow) => {
		const response = await api(method, path, method === "GET" ? {} : { body: {} });
		const problem = expectProblem(response, 405);
		expect(response.headers.get("Allow")).toBe(allow);
		expect(problem.detail).toBe(`${method} is not allowed here; use ${allow}.`);
	});
});

describe("trailing slashes", () => {
	it("serves every endpoint with a trailing slash", async () => {
		const created = await api("POST", "/api/patterns/", {
			body: {
				title: "Slash",
				weekday: 2,
				time: "10:00",
				start_date: "2030-01-02",
				generate_occurrences: false,
			},
		});
		expect(created.status).toBe(201);
		const id = created.body.pattern.id;
		expect((await api("GET", "/api/patterns/")).status).toBe(200);
		expect((await api("GET", `/api/patterns/${id}/`)).body.id).toBe(id);
		expect((await api("PATCH", `/api/patterns/${id}/`, { body: { title: "S" } })).status).toBe(200);
		expect((await api("DELETE", `/api/patterns/${id}/?delete_future=true`)).status).toBe(200);

		const session = await api("POST", "/api/occurrences/", {
			body: { title: "Slash", start_datetime: "2030-01-02T10:00:00Z" },
		});
		expect(session.status).toBe(201);
		const sessionId = session.body.id;
		const range = await api(
			"GET",
			"/api/occurrences/?start=2030-01-02T00:00:00Z&end=2030-01-03T00:00:00Z",
		);
		expect(range.body.map((row: { id: number }) => row.id)).toContain(sessionId);
		expect((await api("GET", `/api/occurrences/${sessionId}/`)).body.id).toBe(sessionId);
		const patched = await api("PATCH", `/api/occurrences/${sessionId}/`, { body: { title: "S" } });
		expect(patched.body.title).toBe("S");
		const completed = await api("POST", `/api/occurrences/${sessionId}/complete/`);
		expect(completed.body.occurrence.status).toBe("completed");
		const other = await createOneTime();
		const cancelled = await api("DELETE", `/api/occurrences/${other.id}/`);
		expect(cancelled.body.occurrence.status).toBe("cancelled");
	});

	it("answers errors the same way with a trailing slash", async () => {
		expectProblem(await api("GET", `/api/patterns/${UNKNOWN}/`), 404);
		expectProblem(await api("GET", "/api/occurrences/abc/"), 404);
		expectProblem(await api("GET", "/api/occurrences/?start=x&end=y"), 400);
		expectProblem(await api("POST", "/api/patterns/", { body: {} }), 400);
	});
});

describe("a failed request changes nothing", () => {
	it("leaves every table as it was", async () => {
		const { pattern } = await createPattern({ start_date: "2030-01-01" });
		const cancelled = await createOneTime();
		await api("DELETE", `/api/occurrences/${cancelled.id}`);
		const failures: [string, string, Parameters<typeof api>[2]][] = [
			["POST", "/api/patterns", { body: { title: "No weekday", time: "10:00" } }],
			["POST", "/api/patterns", { raw: "{", headers: { "Content-Type": "application/json" } }],
			["POST", "/api/patterns", { raw: "{}", headers: { "Content-Type": "text/plain" } }],
			[
				"POST",
				"/api/occurrences",
				{ body: { title: "x", start_datetime: "2026-02-30T10:00:00Z" } },
			],
			["PATCH", `/api/patterns/${pattern.id}`, { body: { end_date: "2029-12-31" } }],
			["PATCH", `/api/patterns/${pattern.id}`, { body: { weekday: 7, title: "Changed" } }],
			["PATCH", `/api/patterns/${UNKNOWN}`, { body: { title: "x" } }],
			["DELETE", `/api/patterns/${pattern.id}?delete_future=maybe`, {}],
			["PATCH", `/api/occurrences/${cancelled.id}`, { body: { duration_minutes: 0 } }],
			["DELETE", `/api/occurrences/${cancelled.id}`, {}],
			["POST", `/api/occurrences/${cancelled.id}/complete`, {}],
			["PUT", `/api/patterns/${pattern.id}`, { body: { title: "x" } }],
		];
		for (const [method, path, options] of failures) {
			const before = await tableCounts();
			const response = await api(method, path, options);
			expect(response.status, `${method} ${path}`).toBeGreaterThanOrEqual(400);
			expect(response.status, `${method} ${path}`).toBeLessThan(500);
			expect(await tableCounts(), `${method} ${path}`).toEqual(before);
		}
		expect((await api("GET", `/api/patterns/${pattern.id}`)).body).toEqual(pattern);
	});
});
