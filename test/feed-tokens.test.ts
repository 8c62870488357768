// Feed tokens: the only credential a feed address (?key=) takes, and one that opens nothing else.
import { beforeAll, describe, expect, it } from "vitest";
import { signIn, visit } from "./support/admin";
import { type ApiResponse, api, d1Usage, expectProblem, present, ROOT_TOKEN } from "./support/api";
import { createPattern } from "./support/fixtures";
import { createKey } from "./support/keys";
import type { FeedToken } from "./support/types";

const createToken = async (body: Record<string, unknown>) => {
	const response = await api("POST", "/api/feed-tokens", { body });
	expect(response.status).toBe(201);
	return response.body as { id: number; token: string; url: string; pattern_id: number | null };
};

/** A GET with the secret as ?key= and no Authorization header, as a calendar app sends it. */
const withKey = (path: string, key: string, method = "GET") =>
	api(method, `${path}${path.includes("?") ? "&" : "?"}key=${encodeURIComponent(key)}`, {
		token: null,
	});

let patternId: number;
let otherPatternId: number;

beforeAll(async () => {
	patternId = (await createPattern({ title: "Feed token series" })).pattern.id;
	otherPatternId = (await createPattern({ title: "Another series" })).pattern.id;
});

describe("POST /api/feed-tokens", () => {
	it("returns the token once, with the feed address to paste, and stores only its hash", async () => {
		const created = await api("POST", "/api/feed-tokens", { body: { name: "Lobby screen" } });
		expect(created.status).toBe(201);
		expect(created.body).toMatchObject({
			name: "Lobby screen",
			pattern_id: null,
			created_by: "root",
			prefix: created.body.token.slice(0, 14),
		});
		expect(created.body.token).toMatch(/^calfeed_[\w-]{43}$/);
		expect(created.body.url).toBe(
			`https://calendar.test/api/calendar.ics?key=${created.body.token}`,
		);
		const feed = await api(
			"GET",
			new URL(created.body.url).pathname + new URL(created.body.url).search,
			{
				token: null,
			},
		);
		expect(feed.status).toBe(200);
		expect(feed.body).toMatch(/^BEGIN:VCALENDAR\r\n/);
		const listed = await api("GET", "/api/feed-tokens?limit=100");
		expect(listed.status).toBe(200);
		const row = listed.body.find((token) => token.id === created.body.id);
		expect(row).toEqual({
			id: created.body.id,
			name: "Lobby screen",
			prefix: created.body.prefix,
			pattern_id: null,
			calendar_id: 1,
			created_at: created.body.created_at,
			created_by: "root",
		});
		expect(JSON.stringify(listed.body)).not.toContain(created.body.token);
	});

	it("gives a series token its series' address", async () => {
		const created = await createToken({ name: "One class", pattern_id: patternId });
		expect(created.pattern_id).toBe(patternId);
		expect(created.url).toBe(
			`https://calendar.test/api/patterns/${patternId}/calendar.ics?key=${created.token}`,
		);
	});

	it("returns 400 naming pattern_id when the pattern does not exist", async () => {
		const response = await api("POST", "/api/feed-tokens", {
			body: { name: "Nothing", pattern_id: 99_999_999 },
		});
		const problem = expectProblem(response, 400);
		expect(problem.errors?.map((error) => error.path)).toEqual(["pattern_id"]);
	});

	it("returns 400 for a blank name", async () => {
		const response = await api("POST", "/api/feed-tokens", { body: { name: "" } });
		expect(expectProblem(response, 400).errors?.map((error) => error.path)).toEqual(["name"]);
	});

	it("is for admin keys only", async () => {
		const writer = await createKey(["read", "write"]);
		const response = await api("POST", "/api/feed-tokens", {
			body: { name: "Sneaky" },
			token: writer.key,
		});
		expectProblem(response, 403);
		expectProblem(await api("GET", "/api/feed-tokens", { token: writer.key }), 403);
	});
});

describe("GET /api/feed-tokens", () => {
	it("pages by id with Link headers", async () => {
		await createToken({ name: "Page one" });
		await createToken({ name: "Page two" });
		const first = await api("GET", "/api/feed-tokens?limit=1");
		expect(first.status).toBe(200);
		expect(first.body).toHaveLength(1);
		const next = /<([^>]+)>; rel="next"/.exec(first.headers.get("Link") ?? "")?.[1] ?? "";
		expect(next).toContain("cursor=");
		const second: ApiResponse<FeedToken[]> = await api(
			"GET",
			new URL(next, "https://calendar.test").pathname +
				new URL(next, "https://calendar.test").search,
		);
		expect(second.body[0]?.id).toBeGreaterThan(present(first.body[0]).id);
	});
});

describe("DELETE /api/feed-tokens/{id}", () => {
	it("revokes at once: the feed address answers 401, and a second revoke 404", async () => {
		const created = await createToken({ name: "Lost phone" });
		expect((await withKey("/api/calendar.ics", created.token)).status).toBe(200);
		const revoked = await api("DELETE", `/api/feed-tokens/${created.id}`);
		expect(revoked.status).toBe(200);
		expect(revoked.body).toEqual({ message: `Feed token ${created.id} revoked.` });
		const refused = expectProblem(await withKey("/api/calendar.ics", created.token), 401);
		expect(refused.detail).toBe("The feed token is not valid (unknown or revoked).");
		expectProblem(await api("DELETE", `/api/feed-tokens/${created.id}`), 404);
		const listed = await api("GET", "/api/feed-tokens?limit=100");
		expect(listed.body.map((token) => token.id)).not.toContain(created.id);
	});
});

describe("?key= on the feeds", () => {
	const detail = "?key= takes a feed token; create one with POST /api/feed-tokens.";

	it("refuses the root token and every API key, admin keys included", async () => {
		const reader = await createKey(["read"]);
		const admin = await createKey(["admin"]);
		for (const secret of [ROOT_TOKEN, reader.key, admin.key]) {
			for (const path of ["/api/calendar.ics", `/api/patterns/${patternId}/calendar.ics`]) {
				const response = await withKey(path, secret);
				expect(expectProblem(response, 401).detail).toBe(detail);
				expect(response.headers.get("WWW-Authenticate")).toBe(
					'Bearer realm="calendar", error="invalid_token"',
				);
			}
		}
	});

	it("costs one indexed row to check a token", async () => {
		const created = await createToken({ name: "Budget" });
		const unknown = await withKey("/api/calendar.ics", `calfeed_${"A".repeat(43)}`);
		expectProblem(unknown, 401);
		expect(d1Usage(unknown)).toMatchObject({ queries: 1 });
		expect(d1Usage(unknown).rowsRead).toBeLessThanOrEqual(1);
		expect((await withKey("/api/calendar.ics", created.token)).status).toBe(200);
	});

	it("still lets a read key in through the Authorization header", async () => {
		const reader = await createKey(["read"]);
		const response = await api("GET", `/api/patterns/${patternId}/calendar.ics`, {
			token: reader.key,
		});
		expect(response.status).toBe(200);
		expect(response.body).toContain("SUMMARY:Feed token series");
	});

	it("refuses two credentials at once", async () => {
		const created = await createToken({ name: "Both" });
		const response = await api("GET", `/api/calendar.ics?key=${encodeURIComponent(created.token)}`);
		expectProblem(response, 401);
	});

	it("opens only its series for a series token: 403 on another series and the whole calendar", async () => {
		const created = await createToken({ name: "One class only", pattern_id: patternId });
		const own = await withKey(`/api/patterns/${patternId}/calendar.ics`, created.token);
		expect(own.status).toBe(200);
		expect(own.body).toContain("SUMMARY:Feed token series");
		const other = await withKey(`/api/patterns/${otherPatternId}/calendar.ics`, created.token);
		expect(expectProblem(other, 403).detail).toBe(
			`This feed token opens only the feed of pattern ${patternId}: /api/patterns/${patternId}/calendar.ics.`,
		);
		expectProblem(await withKey("/api/calendar.ics", created.token), 403);
	});
});

describe("rate limiting of feed tokens", () => {
	it("counts per token, not per address: calendar services poll many feeds from one", async () => {
		const spent = await createToken({ name: "Busy subscriber" });
		const fresh = await createToken({ name: "Quiet subscriber" });
		let limited = false;
		for (let sent = 0; sent < 45 && !limited; sent++) {
			limited =
				(await withKey(`/api/patterns/${patternId}/calendar.ics`, spent.token)).status === 429;
		}
		expect(limited).toBe(true);
		expect((await withKey(`/api/patterns/${patternId}/calendar.ics`, fresh.token)).status).toBe(
			200,
		);
	});
});

describe("a feed token anywhere else", () => {
	it("is 401 in the Authorization header, on the JSON API and on the feeds", async () => {
		const created = await createToken({ name: "Misused" });
		for (const path of ["/api/patterns", "/api/calendar.ics", "/api/feed-tokens"]) {
			const response = await api("GET", path, { token: created.token });
			expect(expectProblem(response, 401).detail).toBe(
				"A feed token opens only the .ics feeds, sent as ?key=; the JSON API takes API keys.",
			);
		}
	});

	it("is 401 as ?key= on any other path, so it can never read the API or write", async () => {
		const created = await createToken({ name: "Writer wannabe" });
		const reads = [
			`/api/patterns/${patternId}`,
			"/api/occurrences?start=2026-01-01T00:00:00Z&end=2026-02-01T00:00:00Z",
		];
		for (const path of reads) {
			expect(expectProblem(await withKey(path, created.token), 401).detail).toBe(
				"?key= is accepted only on the .ics feeds; send API keys as Authorization: Bearer <key>.",
			);
		}
		expectProblem(await withKey(`/api/patterns/${patternId}`, created.token, "DELETE"), 401);
		// On a feed path a write needs the write scope, which a feed token never has.
		expectProblem(await withKey("/api/calendar.ics", created.token, "POST"), 403);
		expect((await api("GET", `/api/patterns/${patternId}`)).status).toBe(200);
	});
});

describe("feed tokens in the admin console", () => {
	it("creates one on the keys page, shows its address once, then revokes it", async () => {
		const { cookie, csrf } = await signIn();
		const created = await visit("/admin/keys/feed-tokens", {
			cookie,
			form: { csrf, name: "Front desk phone", pattern_id: String(patternId) },
		});
		expect(created.status).toBe(201);
		const url = /<code class="key-once" id="new-feed-url">([^<]+)<\/code>/.exec(created.html)?.[1];
		expect(url).toMatch(
			new RegExp(
				`^https://calendar\\.test/api/patterns/${patternId}/calendar\\.ics\\?key=calfeed_`,
			),
		);
		const address = new URL((url ?? "").replaceAll("&amp;", "&"));
		const feed = await api("GET", address.pathname + address.search, { token: null });
		expect(feed.status).toBe(200);
		const page = await visit("/admin/keys", { cookie });
		expect(page.html).toContain("Front desk phone");
		expect(page.html).not.toContain(address.searchParams.get("key"));
		const id = present(
			(await api("GET", "/api/feed-tokens?limit=100")).body.find(
				(token) => token.name === "Front desk phone",
			),
		).id;
		const revoked = await visit(`/admin/keys/feed-tokens/${id}/revoke`, { cookie, form: { csrf } });
		expect(revoked.status).toBe(303);
		expect(revoked.location).toBe("/admin/keys?done=feed-token-revoked");
		expect((await api("GET", address.pathname + address.search, { token: null })).status).toBe(401);
	});

	it("shows the API's validation message on the form", async () => {
		const { cookie, csrf } = await signIn();
		const page = await visit("/admin/keys/feed-tokens", {
			cookie,
			form: { csrf, name: "", pattern_id: "" },
		});
		expect(page.status).toBe(400);
		expect(page.html).toContain("Name may not be blank.");
	});

	it("refuses a revoke without the CSRF token", async () => {
		const { cookie } = await signIn();
		const created = await createToken({ name: "Kept" });
		const refused = await visit(`/admin/keys/feed-tokens/${created.id}/revoke`, {
			cookie,
			form: { csrf: "forged" },
		});
		expect(refused.status).toBe(403);
		expect((await withKey("/api/calendar.ics", created.token)).status).toBe(200);
	});
});
