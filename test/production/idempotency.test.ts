import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { sha256Hex } from "../../src/lib/crypto";
import { api, runCron } from "../helpers";
import { createKey, expectProblem } from "./support";

const countTitled = async (title: string) =>
	(await env.DB.prepare("SELECT count(*) AS n FROM occurrences WHERE title = ?")
		.bind(title)
		.first<number>("n")) ?? 0;

const session = (title: string) => ({ title, start_datetime: "2033-01-10T10:00:00Z" });

describe("Idempotency-Key on POST", () => {
	it("replays the first response to a retry, and creates one row", async () => {
		const headers = { "Idempotency-Key": "retry-once" };
		const first = await api("POST", "/api/occurrences", { body: session("Once"), headers });
		const retry = await api("POST", "/api/occurrences", { body: session("Once"), headers });
		expect(first.status).toBe(201);
		expect(first.headers.get("Idempotent-Replayed")).toBeNull();
		expect(retry.status).toBe(201);
		expect(retry.headers.get("Idempotent-Replayed")).toBe("true");
		expect(retry.body).toEqual(first.body);
		for (const header of ["Location", "ETag", "Content-Type"]) {
			expect(retry.headers.get(header)).toBe(first.headers.get(header));
		}
		expect(await countTitled("Once")).toBe(1);
	});

	it("creates one row when retries race (Promise.all)", async () => {
		const headers = { "Idempotency-Key": "racing-retries" };
		const responses = await Promise.all(
			Array.from({ length: 5 }, () =>
				api("POST", "/api/occurrences", { body: session("Raced"), headers }),
			),
		);
		expect(await countTitled("Raced")).toBe(1);
		const created = responses.filter((response) => response.status === 201);
		const inFlight = responses.filter((response) => response.status === 409);
		expect(created.length + inFlight.length).toBe(5);
		expect(created.filter((r) => r.headers.get("Idempotent-Replayed") !== "true")).toHaveLength(1);
		for (const response of created) expect(response.body.id).toBe(created[0]?.body.id);
		for (const response of inFlight) {
			expectProblem(response, 409, "conflict");
			expect(response.headers.get("Retry-After")).toBe("1");
		}
	});

	it("answers 422 to the same key with a different body, and creates nothing", async () => {
		const headers = { "Idempotency-Key": "one-request-only" };
		await api("POST", "/api/occurrences", { body: session("First body"), headers });
		const other = await api("POST", "/api/occurrences", { body: session("Other body"), headers });
		expectProblem(other, 422, "idempotency_mismatch");
		expect(await countTitled("Other body")).toBe(0);
	});

	it("answers 422 to the same key on another path", async () => {
		const headers = { "Idempotency-Key": "one-path-only" };
		const body = { title: "Either", start_datetime: "2033-01-11T10:00:00Z" };
		expect((await api("POST", "/api/occurrences", { body, headers })).status).toBe(201);
		const keys = await api("POST", "/api/keys", { body, headers });
		expectProblem(keys, 422, "idempotency_mismatch");
	});

	it("answers 409 with Retry-After while the first request is still running", async () => {
		const body = JSON.stringify(session("Slow"));
		const hash = await sha256Hex(`POST /api/occurrences\n${body}`);
		const now = Date.now();
		await env.DB.prepare(
			"INSERT INTO idempotency_keys (principal, key, request_hash, state, created_at, expires_at) VALUES ('root', 'in-flight', ?, 'pending', ?, ?)",
		)
			.bind(hash, now, now + 86_400_000)
			.run();
		const response = await api("POST", "/api/occurrences", {
			raw: body,
			headers: { "Idempotency-Key": "in-flight", "Content-Type": "application/json" },
		});
		expectProblem(response, 409, "conflict");
		expect(response.headers.get("Retry-After")).toBe("1");
		expect(await countTitled("Slow")).toBe(0);
	});

	it("lets only the same request take over an abandoned pending key: a different body is 422", async () => {
		const body = JSON.stringify(session("Abandoned"));
		const hash = await sha256Hex(`POST /api/occurrences\n${body}`);
		const longAgo = Date.now() - 60_000;
		await env.DB.prepare(
			"INSERT INTO idempotency_keys (principal, key, request_hash, state, created_at, expires_at) VALUES ('root', 'abandoned', ?, 'pending', ?, ?)",
		)
			.bind(hash, longAgo, longAgo + 86_400_000)
			.run();
		const headers = { "Idempotency-Key": "abandoned" };
		const other = await api("POST", "/api/occurrences", {
			body: session("Not abandoned"),
			headers,
		});
		expectProblem(other, 422, "idempotency_mismatch");
		expect(await countTitled("Not abandoned")).toBe(0);

		const same = await api("POST", "/api/occurrences", {
			raw: body,
			headers: { ...headers, "Content-Type": "application/json" },
		});
		expect(same.status).toBe(201);
		expect(same.headers.get("Idempotent-Replayed")).toBeNull();
		expect(await countTitled("Abandoned")).toBe(1);
	});

	it("runs the request again once the key has expired", async () => {
		const headers = { "Idempotency-Key": "expires" };
		const first = await api("POST", "/api/occurrences", { body: session("Expiring"), headers });
		await env.DB.prepare(
			"UPDATE idempotency_keys SET expires_at = ? WHERE principal = 'root' AND key = 'expires'",
		)
			.bind(Date.now() - 1)
			.run();
		const again = await api("POST", "/api/occurrences", { body: session("Expiring"), headers });
		expect(again.status).toBe(201);
		expect(again.headers.get("Idempotent-Replayed")).toBeNull();
		expect(again.body.id).not.toBe(first.body.id);
		expect(await countTitled("Expiring")).toBe(2);
		const replay = await api("POST", "/api/occurrences", { body: session("Expiring"), headers });
		expect(replay.body.id).toBe(again.body.id);
	});

	it("frees the key of a request that failed without writing, so a corrected retry runs", async () => {
		const headers = { "Idempotency-Key": "fix-and-retry" };
		const invalid = await api("POST", "/api/occurrences", {
			body: { title: "Fixed", start_datetime: "not a date" },
			headers,
		});
		expectProblem(invalid, 400, "validation");
		const fixed = await api("POST", "/api/occurrences", { body: session("Fixed"), headers });
		expect(fixed.status).toBe(201);
		expect(await countTitled("Fixed")).toBe(1);
	});

	it("writes nothing when another attempt took the key over before the write", async () => {
		// Stands in for a retry that took over the claim between this request's claim and write.
		await env.DB.exec(
			"CREATE TRIGGER take_over BEFORE INSERT ON occurrences WHEN NEW.title = 'Taken over' BEGIN UPDATE idempotency_keys SET created_at = created_at + 1 WHERE key = 'taken-over'; END",
		);
		try {
			const response = await api("POST", "/api/occurrences", {
				body: session("Taken over"),
				headers: { "Idempotency-Key": "taken-over" },
			});
			expectProblem(response, 409, "conflict");
			expect(await countTitled("Taken over")).toBe(0);
		} finally {
			await env.DB.exec("DROP TRIGGER take_over");
		}
	});

	it("keeps keys per API key: two keys may use the same Idempotency-Key", async () => {
		const alice = await createKey(["write"], "alice");
		const bob = await createKey(["write"], "bob");
		const headers = { "Idempotency-Key": "shared-name" };
		const a = await api("POST", "/api/occurrences", {
			token: alice.key,
			body: session("Per key"),
			headers,
		});
		const b = await api("POST", "/api/occurrences", {
			token: bob.key,
			body: session("Per key"),
			headers,
		});
		expect([a.status, b.status]).toEqual([201, 201]);
		expect(b.headers.get("Idempotent-Replayed")).toBeNull();
		expect(await countTitled("Per key")).toBe(2);
	});

	it("replays a new API key's secret, yet stores it only encrypted", async () => {
		const headers = { "Idempotency-Key": "new-key" };
		const body = { name: "Replayable", scopes: ["read"] };
		const first = await api("POST", "/api/keys", { body, headers });
		const retry = await api("POST", "/api/keys", { body, headers });
		expect(retry.headers.get("Idempotent-Replayed")).toBe("true");
		expect(retry.body.key).toBe(first.body.key);
		const { results } = await env.DB.prepare("SELECT * FROM idempotency_keys").all();
		expect(JSON.stringify(results)).not.toContain(first.body.key.slice(4));
		const keys = await api("GET", "/api/keys");
		expect(keys.body.filter((key: any) => key.name === "Replayable")).toHaveLength(1);
	});

	it("returns 400 for a key that is not 1–255 visible ASCII characters", async () => {
		for (const key of ["", "x".repeat(256), "with space"]) {
			const response = await api("POST", "/api/occurrences", {
				body: session("Bad key"),
				headers: { "Idempotency-Key": key },
			});
			expectProblem(response, 400, "validation");
		}
		expect(await countTitled("Bad key")).toBe(0);
	});

	it("covers POST /complete too: a retried complete is replayed, not a 409", async () => {
		const created = await api("POST", "/api/occurrences", { body: session("Completed once") });
		const headers = { "Idempotency-Key": "complete-once" };
		const path = `/api/occurrences/${created.body.id}/complete`;
		const first = await api("POST", path, { headers });
		const retry = await api("POST", path, { headers });
		expect([first.status, retry.status]).toEqual([200, 200]);
		expect(retry.body).toEqual(first.body);
		expect(retry.headers.get("Idempotent-Replayed")).toBe("true");
	});
});

describe("the cron's sweep of expired keys", () => {
	it("deletes expired keys in one indexed DELETE and keeps live ones", async () => {
		const now = Date.now();
		const insert = env.DB.prepare(
			"INSERT INTO idempotency_keys (principal, key, request_hash, state, created_at, expires_at) VALUES ('sweep', ?, 'h', 'done', ?, ?)",
		);
		await env.DB.batch([
			insert.bind("old-1", now - 2 * 86_400_000, now - 86_400_000),
			insert.bind("old-2", now - 2 * 86_400_000, now - 1000),
			insert.bind("live", now, now + 86_400_000),
		]);
		const sweeps = (lines: { event: string }[]) =>
			lines.filter((line) => line.event === "idempotency_sweep");
		expect(sweeps(await runCron())).toEqual([
			{ event: "idempotency_sweep", trigger: "cron", deleted: 2 },
		]);
		// Nothing left to delete: the sweep keeps quiet.
		expect(sweeps(await runCron())).toEqual([]);
		const { results } = await env.DB.prepare(
			"SELECT key FROM idempotency_keys WHERE principal = 'sweep'",
		).all<{ key: string }>();
		expect(results.map((row) => row.key)).toEqual(["live"]);

		const plan = await env.DB.prepare(
			"EXPLAIN QUERY PLAN DELETE FROM idempotency_keys WHERE expires_at < ?",
		)
			.bind(now)
			.all<{ detail: string }>();
		expect(plan.results.map((row) => row.detail).join(" ")).toContain(
			"USING INDEX idempotency_expires_idx",
		);
	});
});
