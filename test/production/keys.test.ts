import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { sha256Hex } from "../../src/lib/crypto";
import { api, createOneTime } from "../helpers";
import { createKey, expectProblem, fetchWithVars } from "./support";

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
		const paths = (problem as any).errors.map((error: { path: string }) => error.path);
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
		const listed = response.body.find((key: any) => key.id === created.id);
		expect(listed).toEqual({
			id: created.id,
			name: "Listed",
			prefix: created.key.slice(0, 10),
			scopes: ["read"],
			created_at: expect.any(String),
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
		expect(list.body.map((listed: any) => listed.id)).not.toContain(id);
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
		expectProblem(write, 403, "forbidden");
		expect(write.body.detail).toBe('This key lacks the "write" scope.');
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
		for (const token of [`cal_${"A".repeat(43)}`, "test-root-tokeN", "x"]) {
			const response = await api("GET", "/api/patterns", { token });
			expectProblem(response, 401, "unauthorized");
			expect(response.headers.get("WWW-Authenticate"), token).toContain('error="invalid_token"');
		}
	});

	it("answers 401 invalid_request to an Authorization header that is not a bearer token", async () => {
		for (const header of ["Basic dXNlcjpwYXNz", "Bearer", "Bearer a b", "test-root-token"]) {
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
		expect(((await response.json()) as any).id).toBe(session.id);
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
