import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import worker from "../../src/index";
import { api, expectProblem, fetchWithVars, ROOT_TOKEN } from "../support/api";
import { runCron } from "../support/cron";
import { createPattern, tableCounts, validPattern } from "../support/fixtures";
import type { OpenApiNode } from "../support/types";

// D1 bookmarks: four groups of hex digits (8-8-8-32), ordered as strings from oldest to newest.
const bookmarkShape = /^[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{32}$/;
const bookmarkOf = (response: { headers: Headers }) => response.headers.get("X-D1-Bookmark") ?? "";

describe("X-D1-Bookmark", () => {
	it("comes with every response that touched the database: reads, writes, misses, refusals", async () => {
		const { pattern } = await createPattern();
		const responses = [
			await api("GET", "/api/patterns"),
			await api("GET", `/api/patterns/${pattern.id}`),
			await api("HEAD", `/api/patterns/${pattern.id}`),
			await api("PATCH", `/api/patterns/${pattern.id}`, { body: { title: "Evening yoga" } }),
			await api("GET", "/api/patterns/999999"),
			await api("GET", "/api/patterns", { token: `cal_${"x".repeat(30)}` }),
			await api("POST", "/api/occurrences", {
				body: { title: "Open house", start_datetime: "2031-03-01T10:00:00Z", duration_minutes: 60 },
			}),
			await api("DELETE", `/api/patterns/${pattern.id}`),
		];
		for (const response of responses) {
			expect(bookmarkOf(response), `${response.status}`).toMatch(bookmarkShape);
		}
	});

	it("sent back after a write, starts the next read no earlier than that write", async () => {
		const created = await api("POST", "/api/patterns", {
			body: validPattern({ title: "Read my write" }),
		});
		const afterWrite = bookmarkOf(created);
		expect(afterWrite).toMatch(bookmarkShape);

		const read = await api("GET", `/api/patterns/${created.body.pattern.id}`, {
			headers: { "X-D1-Bookmark": afterWrite },
		});
		expect(read.status).toBe(200);
		expect(read.body.title).toBe("Read my write");
		expect(bookmarkOf(read) >= afterWrite).toBe(true);
	});

	it("is where the read's session starts: the answer is never older than the bookmark sent", async () => {
		// A bookmark ahead of this local database: the session is at least that recent, so it
		// comes back unchanged, which shows the header reached D1's withSession.
		const ahead = `7fffffff-${"0".repeat(8)}-${"0".repeat(8)}-${"0".repeat(32)}`;
		const read = await api("GET", "/api/patterns", { headers: { "X-D1-Bookmark": ahead } });
		expect(read.status).toBe(200);
		expect(bookmarkOf(read)).toBe(ahead);
		const primary = await api("GET", "/api/patterns", {
			headers: { "X-D1-Bookmark": "first-primary" },
		});
		expect(primary.status).toBe(200);
		expect(bookmarkOf(primary)).toMatch(bookmarkShape);
	});

	it("malformed is a 400 problem, on reads and writes, and nothing is written", async () => {
		const before = await tableCounts();
		for (const sent of [
			"garbage",
			"0000-0000",
			`${"0".repeat(8)}-${"0".repeat(8)}-X`,
			"FIRST-PRIMARY",
		]) {
			for (const [method, path, body] of [
				["GET", "/api/patterns", undefined],
				[
					"POST",
					"/api/occurrences",
					{ title: "x", start_datetime: "2031-03-01T10:00:00Z", duration_minutes: 60 },
				],
			] as const) {
				const response = await api(method, path, { body, headers: { "X-D1-Bookmark": sent } });
				const problem = expectProblem(response, 400, "validation");
				expect(problem.detail).toContain("X-D1-Bookmark");
			}
		}
		expect(await tableCounts()).toEqual(before);
	});

	it("may be sent and read by browser clients of an allowed origin (CORS)", async () => {
		const vars = { CORS_ORIGINS: "https://app.example" };
		const preflight = await fetchWithVars(vars, "/api/patterns", {
			method: "OPTIONS",
			headers: {
				Origin: "https://app.example",
				"Access-Control-Request-Method": "GET",
				"Access-Control-Request-Headers": "authorization, x-d1-bookmark",
			},
		});
		expect(preflight.headers.get("Access-Control-Allow-Headers")?.split(",")).toContain(
			"X-D1-Bookmark",
		);
		const read = await fetchWithVars(vars, "/api/patterns", {
			headers: { Origin: "https://app.example", Authorization: "Bearer test-root-token" },
		});
		expect(read.headers.get("Access-Control-Expose-Headers")?.split(",")).toContain(
			"X-D1-Bookmark",
		);
	});

	it("is in the OpenAPI document: a parameter and a response header of every /api operation", async () => {
		const { body: document } = await api<OpenApiNode>("GET", "/openapi.json");
		let operations = 0;
		for (const [path, item] of Object.entries<OpenApiNode>(document.paths)) {
			if (!path.startsWith("/api/")) continue;
			for (const [method, operation] of Object.entries<OpenApiNode>(item)) {
				operations += 1;
				const where = `${method} ${path}`;
				const names = operation.parameters.map((parameter: OpenApiNode) =>
					parameter.$ref
						? document.components.parameters[parameter.$ref.split("/").pop()].name
						: parameter.name,
				);
				expect(names, where).toContain("X-D1-Bookmark");
				for (const [status, response] of Object.entries<OpenApiNode>(operation.responses)) {
					expect(Object.keys(response.headers ?? {}), `${where} ${status}`).toContain(
						"X-D1-Bookmark",
					);
				}
			}
		}
		expect(operations).toBeGreaterThan(10);
	});
});

/** env.DB, noting where each D1 session the Worker opens is asked to start. */
function noteSessions(starts: string[]): D1Database {
	return new Proxy(env.DB, {
		get(target, property) {
			if (property === "withSession") {
				return (start: string) => {
					starts.push(start);
					return target.withSession(start);
				};
			}
			const value = Reflect.get(target, property);
			return typeof value === "function" ? value.bind(target) : value;
		},
	});
}

describe("where each D1 session starts", () => {
	// The local D1 has one copy, so this is only visible at the binding.
	async function startOf(method: string, path: string, headers: Record<string, string> = {}) {
		const starts: string[] = [];
		const ctx = createExecutionContext();
		const response = await worker.fetch(
			new Request(`https://calendar.test${path}`, {
				method,
				headers: { Authorization: `Bearer ${ROOT_TOKEN}`, ...headers },
			}),
			{ ...env, DB: noteSessions(starts) },
			ctx,
		);
		await waitOnExecutionContext(ctx);
		expect(response.status).toBeLessThan(500);
		return starts;
	}
	const bookmark = `00000001-${"0".repeat(8)}-${"0".repeat(8)}-${"0".repeat(32)}`;

	it("reads anywhere, or at the client's bookmark; writes and the console at the primary", async () => {
		const { pattern } = await createPattern();
		expect(await startOf("GET", "/api/patterns")).toEqual(["first-unconstrained"]);
		expect(await startOf("HEAD", "/api/patterns", { "X-D1-Bookmark": bookmark })).toEqual([
			bookmark,
		]);
		expect(await startOf("GET", "/api/patterns", { "X-D1-Bookmark": "first-primary" })).toEqual([
			"first-primary",
		]);
		// A write starts at the primary, which is newer than any bookmark the client holds.
		expect(
			await startOf("DELETE", `/api/patterns/${pattern.id}`, { "X-D1-Bookmark": bookmark }),
		).toEqual(["first-primary"]);
		expect(await startOf("GET", "/admin")).toEqual(["first-primary"]);
	});

	it("the Cron Trigger's chores start at the primary", async () => {
		const starts: string[] = [];
		await runCron({ env: { ...env, DB: noteSessions(starts) } });
		// Materialization, the idempotency-key and console-session sweeps, the webhook outbox sweep,
		// the change feed's retention sweep and the hold sweep.
		expect(starts).toEqual(Array(6).fill("first-primary"));
	});
});
