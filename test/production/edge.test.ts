import { describe, expect, it } from "vitest";
import { api, ROOT_TOKEN } from "../helpers";
import { createKey, expectProblem, fetchWithVars, serverTimingShape } from "./support";

const allowList = { CORS_ORIGINS: "https://app.example, https://admin.example" };

describe("CORS", () => {
	it("answers a preflight from an allowed origin without asking for a key", async () => {
		const response = await fetchWithVars(allowList, "/api/patterns/1", {
			method: "OPTIONS",
			headers: {
				Origin: "https://admin.example",
				"Access-Control-Request-Method": "PATCH",
				"Access-Control-Request-Headers": "authorization, content-type, if-match",
			},
		});
		expect(response.status).toBe(204);
		expect(response.headers.get("Access-Control-Allow-Origin")).toBe("https://admin.example");
		expect(response.headers.get("Access-Control-Allow-Methods")).toContain("PATCH");
		const allowed = response.headers.get("Access-Control-Allow-Headers")?.split(",") ?? [];
		expect(allowed).toEqual(
			expect.arrayContaining(["Authorization", "Content-Type", "If-Match", "Idempotency-Key"]),
		);
		expect(response.headers.get("Access-Control-Max-Age")).toBe("600");
		expect(response.headers.get("Vary")).toContain("Origin");
	});

	it("grants nothing to an origin outside the list", async () => {
		const preflight = await fetchWithVars(allowList, "/api/patterns", {
			method: "OPTIONS",
			headers: { Origin: "https://evil.example", "Access-Control-Request-Method": "POST" },
		});
		expect(preflight.headers.get("Access-Control-Allow-Origin")).toBeNull();
		const read = await fetchWithVars(allowList, "/api/patterns", {
			headers: { Origin: "https://evil.example", Authorization: `Bearer ${ROOT_TOKEN}` },
		});
		expect(read.headers.get("Access-Control-Allow-Origin")).toBeNull();
	});

	it("lets an allowed origin read responses, errors included, and their headers", async () => {
		for (const authorization of [`Bearer ${ROOT_TOKEN}`, "Bearer nope"]) {
			const response = await fetchWithVars(allowList, "/api/patterns", {
				headers: { Origin: "https://app.example", Authorization: authorization },
			});
			expect(response.headers.get("Access-Control-Allow-Origin")).toBe("https://app.example");
			const exposed = response.headers.get("Access-Control-Expose-Headers")?.split(",") ?? [];
			expect(exposed).toEqual(
				expect.arrayContaining(["ETag", "Link", "Server-Timing", "X-Request-Id", "Retry-After"]),
			);
		}
	});
});

describe("secure headers", () => {
	it("come with every response, successes and problems alike", async () => {
		for (const response of [
			await api("GET", "/api/patterns"),
			await api("GET", "/api/patterns", { token: null }),
			await api("GET", "/nowhere"),
		]) {
			const headers = response.headers;
			expect(headers.get("X-Content-Type-Options")).toBe("nosniff");
			expect(headers.get("Strict-Transport-Security")).toBe("max-age=15552000; includeSubDomains");
			expect(headers.get("Content-Security-Policy")).toBe(
				"default-src 'none'; frame-ancestors 'none'",
			);
			expect(headers.get("X-Frame-Options")).toBe("DENY");
			expect(headers.get("Referrer-Policy")).toBe("no-referrer");
		}
	});
});

describe("request body limit", () => {
	const body = (bytes: number) => {
		const frame = JSON.stringify({ title: "Big", start_datetime: "2035-01-01T10:00:00Z", pad: "" });
		return frame.replace('"pad":""', `"pad":"${"x".repeat(bytes - frame.length)}"`);
	};

	it("accepts a body of exactly 64 KiB", async () => {
		const response = await api("POST", "/api/occurrences", {
			raw: body(65_536),
			headers: { "Content-Type": "application/json" },
		});
		expect(response.status).toBe(201);
	});

	it("answers 413 problem+json past 64 KiB, before reading it", async () => {
		const response = await api("POST", "/api/occurrences", {
			raw: body(65_537),
			headers: { "Content-Type": "application/json" },
		});
		const problem = expectProblem(response, 413, "payload_too_large");
		expect(problem.detail).toBe("Request bodies are at most 65536 bytes.");
		expect(response.headers.get("Server-Timing")).toMatch(serverTimingShape);
	});

	it("answers 413 to a streamed body without Content-Length, too", async () => {
		const chunk = new TextEncoder().encode("x".repeat(16_384));
		let sent = 0;
		const stream = new ReadableStream<Uint8Array>({
			pull(controller) {
				if (sent++ < 6) controller.enqueue(chunk);
				else controller.close();
			},
		});
		const response = await fetchWithVars({}, "/api/occurrences", {
			method: "POST",
			headers: { Authorization: `Bearer ${ROOT_TOKEN}`, "Content-Type": "application/json" },
			body: stream,
		});
		expect(response.status).toBe(413);
		expect(response.headers.get("Content-Type")).toBe("application/problem+json");
	});

	it("answers 415 to a body that is not JSON", async () => {
		const response = await api("POST", "/api/occurrences", {
			raw: "title=Form",
			headers: { "Content-Type": "application/x-www-form-urlencoded" },
		});
		expectProblem(response, 415, "unsupported_media_type");
	});
});

describe("rate limiting", () => {
	/** Sends GETs with this key until the first 429; returns how many passed and the 429. */
	async function exhaust(token: string) {
		for (let sent = 0; sent < 45; sent++) {
			const response = await api("GET", "/api/patterns?limit=1", { token });
			if (response.status === 429) return { passed: sent, limited: response };
			expect(response.status).toBe(200);
		}
		throw new Error("never rate limited");
	}

	it("answers 429 problem+json with Retry-After once a key spends its budget", async () => {
		const { key } = await createKey(["read"]);
		const { passed, limited } = await exhaust(key);
		// 20 per minute in tests (vitest.config.ts); a minute boundary mid-test may add a budget.
		expect(passed).toBeGreaterThanOrEqual(20);
		expect(passed).toBeLessThanOrEqual(40);
		const problem = expectProblem(limited, 429, "rate_limited");
		expect(problem.detail).toContain("retry after 60 seconds");
		expect(limited.headers.get("Retry-After")).toBe("60");
		expect(limited.headers.get("Server-Timing")).toMatch(serverTimingShape);
	});

	it("counts per key: another key is not affected", async () => {
		const spent = await createKey(["read"]);
		const fresh = await createKey(["read"]);
		await exhaust(spent.key);
		expect((await api("GET", "/api/patterns", { token: fresh.key })).status).toBe(200);
	});

	it("does not limit the root token", async () => {
		for (let sent = 0; sent < 30; sent++) {
			expect((await api("GET", "/api/patterns?limit=1")).status).toBe(200);
		}
	});

	it("counts anonymous public reads per client address", async () => {
		const from = (ip: string) =>
			fetchWithVars({ PUBLIC_READ: "true" }, "/api/patterns?limit=1", {
				headers: { "CF-Connecting-IP": ip },
			});
		let first429 = -1;
		for (let sent = 0; sent < 45 && first429 < 0; sent++) {
			if ((await from("203.0.113.7")).status === 429) first429 = sent;
		}
		expect(first429).toBeGreaterThanOrEqual(20);
		expect((await from("198.51.100.2")).status).toBe(200);
	});
});
