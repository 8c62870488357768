import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { sha256Hex } from "../../src/lib/crypto";
import { api, d1Usage, expectProblem, fetchWithVars, present, ROOT_TOKEN } from "../support/api";
import { type RecordedStatement, recordingD1 } from "../support/d1-recorder";
import { createOneTime } from "../support/fixtures";
import { createKey } from "../support/keys";
import type { Occurrence } from "../support/types";

const DAY = 86_400_000;
const create = (token: string, body: Record<string, unknown>) =>
	api("POST", "/api/keys", { token, body: { name: `key ${crypto.randomUUID()}`, ...body } });
const keyRow = (id: number) =>
	env.DB.prepare("SELECT * FROM api_keys WHERE id = ?")
		.bind(id)
		.first<{ expires_at: number | null; last_used_at: number | null; created_by: string | null }>();
/** A request with a key through the Worker's fetch, waiting for its after-response work. */
const use = (key: string, log?: RecordedStatement[]) =>
	fetchWithVars(log ? { DB: recordingD1(env.DB, log) } : {}, "/api/patterns?limit=1", {
		headers: { Authorization: `Bearer ${key}` },
	});

describe("POST /api/keys", () => {
	it("answers 201 with the key once; D1 keeps only its SHA-256 hash", async () => {
		const response = await api("POST", "/api/keys", {
			body: { name: "Front desk", scopes: ["read", "write"] },
		});
		expect(response.status).toBe(201);
		const { id, key, name, scopes, prefix, created_at } = response.body;
		expect(key).toMatch(/^cal_[\w-]{43}$/);
		expect({ name, scopes, prefix }).toEqual({
			name: "Front desk",
			scopes: ["read", "write"],
			prefix: key.slice(0, 10),
		});
		expect(Date.parse(created_at)).toBeGreaterThan(Date.now() - 60_000);

		const row = await env.DB.prepare("SELECT * FROM api_keys WHERE id = ?")
			.bind(id)
			.first<Record<string, unknown>>();
		expect(row?.hash).toBe(await sha256Hex(key));
		expect(JSON.stringify(row)).not.toContain(key.slice(10));
	});

	it("returns 400 listing each invalid field", async () => {
		const response = await api("POST", "/api/keys", { body: { name: "", scopes: ["root"] } });
		const problem = expectProblem(response, 400, "validation");
		const paths = problem.errors?.map((error) => error.path);
		expect(paths).toEqual(expect.arrayContaining(["name", "scopes.0"]));
		expect((await api("POST", "/api/keys", { body: { name: "x", scopes: [] } })).status).toBe(400);
	});

	it("is allowed to an admin key and forbidden to a write key", async () => {
		const admin = await createKey(["admin"]);
		const writer = await createKey(["write"]);
		const body = { name: "made by admin", scopes: ["read"] };
		const byAdmin = await api("POST", "/api/keys", { body, token: admin.key });
		expect(byAdmin.status).toBe(201);
		const byWriter = await api("POST", "/api/keys", { body, token: writer.key });
		expectProblem(byWriter, 403, "forbidden");
		expect(byWriter.headers.get("WWW-Authenticate")).toBe(
			'Bearer realm="calendar", error="insufficient_scope", scope="admin"',
		);
	});
});

describe("GET /api/keys", () => {
	it("lists live keys without their secrets", async () => {
		const created = await createKey(["read"], "Listed");
		const response = await api("GET", "/api/keys");
		expect(response.status).toBe(200);
		const listed = response.body.find((key) => key.id === created.id);
		expect(listed).toEqual({
			id: created.id,
			name: "Listed",
			prefix: created.key.slice(0, 10),
			scopes: ["read"],
			calendar_ids: null,
			created_at: expect.any(String),
			expires_at: null,
			last_used_at: null,
			created_by: "root",
		});
		expect(JSON.stringify(response.body)).not.toContain(created.key);
	});
});

describe("DELETE /api/keys/{id}", () => {
	it("revokes a key at once: its next request is 401, and it leaves the list", async () => {
		const { id, key } = await createKey(["read"]);
		expect((await api("GET", "/api/occurrences/1", { token: key })).status).not.toBe(401);
		const revoked = await api("DELETE", `/api/keys/${id}`);
		expect(revoked.status).toBe(200);
		expect(revoked.body.message).toContain(String(id));
		const after = await api("GET", "/api/patterns", { token: key });
		expectProblem(after, 401, "unauthorized");
		expect(after.headers.get("WWW-Authenticate")).toBe(
			'Bearer realm="calendar", error="invalid_token"',
		);
		const list = await api("GET", "/api/keys");
		expect(list.body.map((listed) => listed.id)).not.toContain(id);
	});

	it("answers 404 for an unknown or already revoked key", async () => {
		const { id } = await createKey(["read"]);
		await api("DELETE", `/api/keys/${id}`);
		expectProblem(await api("DELETE", `/api/keys/${id}`), 404, "not_found");
		expectProblem(await api("DELETE", "/api/keys/999999"), 404, "not_found");
	});
});

describe("scopes on /api", () => {
	it("lets a read key read and answers 403 to its writes", async () => {
		const { key } = await createKey(["read"]);
		const session = await createOneTime({ start_datetime: "2032-01-05T10:00:00Z" });
		const read = await api("GET", `/api/occurrences/${session.id}`, { token: key });
		expect(read.status).toBe(200);
		expect(read.body.id).toBe(session.id);
		const write = await api("PATCH", `/api/occurrences/${session.id}`, {
			token: key,
			body: { title: "Not allowed" },
		});
		expect(expectProblem(write, 403, "forbidden").detail).toBe('This key lacks the "write" scope.');
		expect((await api("GET", `/api/occurrences/${session.id}`)).body.title).toBe("Open house");
	});

	it("lets a write key read and write, but not manage keys or run jobs", async () => {
		const { key } = await createKey(["write"]);
		const created = await api("POST", "/api/occurrences", {
			token: key,
			body: { title: "By writer", start_datetime: "2032-01-06T10:00:00Z" },
		});
		expect(created.status).toBe(201);
		expect((await api("GET", `/api/occurrences/${created.body.id}`, { token: key })).status).toBe(
			200,
		);
		expectProblem(await api("GET", "/api/keys", { token: key }), 403, "forbidden");
		expectProblem(
			await api("POST", "/api/jobs/materialize", { token: key, body: {} }),
			403,
			"forbidden",
		);
	});
});

describe("authentication failures", () => {
	it("answers 401 with a Bearer challenge when no key is sent", async () => {
		const response = await api("GET", "/api/patterns", { token: null });
		const problem = expectProblem(response, 401, "unauthorized");
		expect(problem.detail).toBe("Send an API key: Authorization: Bearer <key>.");
		expect(response.headers.get("WWW-Authenticate")).toBe('Bearer realm="calendar"');
	});

	it("answers 401 invalid_token to an unknown key, well-formed or not", async () => {
		for (const token of [`cal_${"A".repeat(43)}`, `${ROOT_TOKEN.slice(0, -1)}J`, "x"]) {
			const response = await api("GET", "/api/patterns", { token });
			expectProblem(response, 401, "unauthorized");
			expect(response.headers.get("WWW-Authenticate"), token).toContain('error="invalid_token"');
		}
	});

	it("answers 401 invalid_request to an Authorization header that is not a bearer token", async () => {
		for (const header of ["Basic dXNlcjpwYXNz", "Bearer", "Bearer a b", ROOT_TOKEN]) {
			const response = await api("GET", "/api/patterns", {
				token: null,
				headers: { Authorization: header },
			});
			expectProblem(response, 401, "unauthorized");
			expect(response.headers.get("WWW-Authenticate"), header).toContain('error="invalid_request"');
		}
	});
});

describe("PUBLIC_READ", () => {
	const publicRead = { PUBLIC_READ: "true" };

	it('opens reads to anyone when "true"', async () => {
		const session = await createOneTime({ start_datetime: "2032-02-01T10:00:00Z" });
		const response = await fetchWithVars(publicRead, `/api/occurrences/${session.id}`);
		expect(response.status).toBe(200);
		expect((await response.json<Occurrence>()).id).toBe(session.id);
	});

	it("still answers 401 to anonymous writes and to a wrong key", async () => {
		const write = await fetchWithVars(publicRead, "/api/occurrences", {
			method: "POST",
			headers: { "Content-Type": "application/json" },
			body: JSON.stringify({ title: "Anonymous", start_datetime: "2032-02-02T10:00:00Z" }),
		});
		expect(write.status).toBe(401);
		expect(write.headers.get("WWW-Authenticate")).toBe('Bearer realm="calendar"');
		const wrongKey = await fetchWithVars(publicRead, "/api/patterns", {
			headers: { Authorization: "Bearer cal_wrongwrongwrongwrongwrong" },
		});
		expect(wrongKey.status).toBe(401);
	});

	it('keeps reads closed when it is anything but "true"', async () => {
		const response = await fetchWithVars({ PUBLIC_READ: "1" }, "/api/patterns");
		expect(response.status).toBe(401);
	});
});

describe("key governance: no key mints a broader key", () => {
	it("lets only the root token mint admin keys: an admin key is answered 403", async () => {
		const admin = await createKey(["admin"]);
		for (const scopes of [["admin"], ["read", "admin"]]) {
			const refused = await create(admin.key, { scopes });
			const problem = expectProblem(refused, 403, "forbidden");
			expect(problem.detail).toBe(
				"Only the root token mints admin keys; an admin key mints read and write keys.",
			);
		}
		expect((await create(ROOT_TOKEN, { scopes: ["admin"] })).status).toBe(201);
		const minted = await create(admin.key, { scopes: ["read", "write"] });
		expect(minted.status).toBe(201);
		expect(minted.body.created_by).toBe(`key:${admin.id}`);
	});

	it("leaves a leaked admin key nothing that outlives its revocation", async () => {
		const leaked = await createKey(["admin"]);
		// What the holder of the leaked key can leave behind: at most read and write keys.
		const left = await create(leaked.key, { scopes: ["write"] });
		expectProblem(await create(leaked.key, { scopes: ["admin"] }), 403, "forbidden");
		await api("DELETE", `/api/keys/${leaked.id}`);
		expectProblem(await api("GET", "/api/keys", { token: leaked.key }), 401, "unauthorized");
		// The write key it made lives on, but cannot mint or manage keys, let alone an admin one.
		expect((await api("GET", "/api/patterns", { token: left.body.key })).status).toBe(200);
		expectProblem(await create(left.body.key, { scopes: ["admin"] }), 403, "forbidden");
		expectProblem(await api("GET", "/api/keys", { token: left.body.key }), 403, "forbidden");
		const all = (await api("GET", "/api/keys?limit=2000")).body;
		const fromLeaked = all.filter((key) => key.created_by === `key:${leaked.id}`);
		expect(fromLeaked.map((key) => key.scopes)).toEqual([["write"]]);
	});

	it("makes a key minted by an expiring key expire no later than it", async () => {
		const admin = await create(ROOT_TOKEN, { scopes: ["admin"], expires_in_days: 2 });
		const adminExpiry = Date.parse(present(admin.body.expires_at));
		const inherited = await create(admin.body.key, { scopes: ["read"] });
		expect(inherited.body.expires_at).toBe(admin.body.expires_at);
		const sooner = await create(admin.body.key, { scopes: ["read"], expires_in_days: 1 });
		expect(Date.parse(present(sooner.body.expires_at))).toBeLessThan(adminExpiry);
		const later = await create(admin.body.key, { scopes: ["read"], expires_in_days: 30 });
		const problem = expectProblem(later, 403, "forbidden");
		expect(problem.detail).toContain("may not outlive the key that mints it");
	});
});

describe("key expiry", () => {
	it("takes expires_in_days or expires_at, and shows it", async () => {
		const inDays = await create(ROOT_TOKEN, { scopes: ["read"], expires_in_days: 30 });
		expect(inDays.status).toBe(201);
		const lifetime = Date.parse(present(inDays.body.expires_at)) - Date.now();
		expect(lifetime).toBeGreaterThan(30 * DAY - 60_000);
		expect(lifetime).toBeLessThanOrEqual(30 * DAY);
		const at = new Date(Date.now() + 5 * DAY).toISOString();
		const exact = await create(ROOT_TOKEN, { scopes: ["read"], expires_at: at });
		expect(exact.body.expires_at).toBe(at);
		expect((await keyRow(exact.body.id))?.expires_at).toBe(Date.parse(at));
		const listed = (await api("GET", "/api/keys?limit=2000")).body.find(
			(key) => key.id === exact.body.id,
		);
		expect(listed?.expires_at).toBe(at);
		const longest = await create(ROOT_TOKEN, { scopes: ["read"], expires_in_days: 3650 });
		expect(longest.status).toBe(201);
	});

	it("answers 400 to an expiry in the past, too far ahead, or given twice", async () => {
		const cases: [Record<string, unknown>, string][] = [
			[{ expires_at: new Date(Date.now() - 1000).toISOString() }, "expires_at"],
			[{ expires_at: new Date(Date.now() + 3651 * DAY).toISOString() }, "expires_at"],
			[{ expires_at: "next tuesday" }, "expires_at"],
			[{ expires_in_days: 0 }, "expires_in_days"],
			[{ expires_in_days: 3651 }, "expires_in_days"],
			[{ expires_in_days: 1.5 }, "expires_in_days"],
			[
				{ expires_in_days: 1, expires_at: new Date(Date.now() + DAY).toISOString() },
				"expires_in_days",
			],
		];
		for (const [body, path] of cases) {
			const response = await create(ROOT_TOKEN, { scopes: ["read"], ...body });
			const problem = expectProblem(response, 400, "validation");
			expect(
				problem.errors?.map((error) => error.path),
				JSON.stringify(body),
			).toContain(path);
		}
	});

	it("refuses an expired key with 401 like a revoked one, in the lookup's own SQL", async () => {
		const { body } = await create(ROOT_TOKEN, { scopes: ["read"], expires_in_days: 1 });
		expect((await use(body.key)).status).toBe(200);
		await env.DB.prepare("UPDATE api_keys SET expires_at = ? WHERE id = ?")
			.bind(Date.now() - 1, body.id)
			.run();
		const log: RecordedStatement[] = [];
		const response = await use(body.key, log);
		expect(response.status).toBe(401);
		expect(response.headers.get("WWW-Authenticate")).toBe(
			'Bearer realm="calendar", error="invalid_token"',
		);
		expect(log).toHaveLength(1);
		expect(log[0]?.sql).toMatch(/"expires_at" is null or "apiKeys"\."expires_at" > \?/);
	});
});

describe("last_used_at", () => {
	it("is written after the response, at most once an hour per key", async () => {
		const key = await createKey(["read"]);
		// A rejected request is no use of the key: it changes nothing, not even this.
		const refused = await fetchWithVars({}, "/api/occurrences", {
			method: "POST",
			headers: { Authorization: `Bearer ${key.key}`, "Content-Type": "application/json" },
			body: "{}",
		});
		expect(refused.status).toBe(403);
		expect((await keyRow(key.id))?.last_used_at).toBeNull();
		const before = Date.now();
		const first = await use(key.key);
		expect(first.status).toBe(200);
		// Not in the request's own D1 work: the response did not wait for it.
		expect(d1Usage({ headers: first.headers, body: null, status: 200 }).rowsWritten).toBe(0);
		const stamped = (await keyRow(key.id))?.last_used_at ?? 0;
		expect(stamped).toBeGreaterThanOrEqual(before);
		// Within the hour: no write at all, not even a no-op UPDATE.
		const log: RecordedStatement[] = [];
		expect((await use(key.key, log)).status).toBe(200);
		expect(log.filter((statement) => /^update/i.test(statement.sql))).toEqual([]);
		expect((await keyRow(key.id))?.last_used_at).toBe(stamped);
		// Over an hour old: rewritten.
		await env.DB.prepare("UPDATE api_keys SET last_used_at = ? WHERE id = ?")
			.bind(stamped - 2 * 3_600_000, key.id)
			.run();
		await use(key.key);
		expect((await keyRow(key.id))?.last_used_at).toBeGreaterThanOrEqual(stamped);
		const listed = (await api("GET", "/api/keys?limit=2000")).body.find(
			(listedKey) => listedKey.id === key.id,
		);
		expect(Date.parse(present(listed?.last_used_at))).toBeGreaterThanOrEqual(stamped);
	});
});
