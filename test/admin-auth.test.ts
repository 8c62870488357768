import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { sha256Hex } from "../src/lib/crypto";
import { createKey, createOneTimeSession, csrfOf, ORIGIN, signIn, visit } from "./admin-helpers";
import { type RecordedStatement, recordingD1 } from "./d1-recorder";
import { api, ROOT_TOKEN } from "./helpers";
import { fetchWithVars } from "./production/support";
import { runScheduled } from "./support/scheduled";

const COOKIE = "__Host-admin_session";
const encoder = new TextEncoder();
const base64 = (bytes: ArrayBuffer | Uint8Array) =>
	btoa(String.fromCharCode(...new Uint8Array(bytes)));
const base64url = (bytes: ArrayBuffer | Uint8Array) =>
	base64(bytes).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");

/** The session id and signature of a "name=value" cookie pair (Hono's signed-cookie format). */
function parts(pair: string) {
	const value = decodeURIComponent(pair.slice(pair.indexOf("=") + 1));
	const dot = value.lastIndexOf(".");
	return { id: value.slice(0, dot), signature: value.slice(dot + 1) };
}

const hmac = async (key: CryptoKey, text: string) =>
	crypto.subtle.sign("HMAC", key, encoder.encode(text));
const hmacKey = (secret: string) =>
	crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, [
		"sign",
	]);

/** The old scheme's signing key: HKDF over ADMIN_TOKEN, which let any cookie test root guesses. */
async function keyDerivedFromAdminToken(adminToken: string) {
	const base = await crypto.subtle.importKey("raw", encoder.encode(adminToken), "HKDF", false, [
		"deriveKey",
	]);
	return crypto.subtle.deriveKey(
		{
			name: "HKDF",
			hash: "SHA-256",
			salt: encoder.encode("calendar-admin"),
			info: encoder.encode("session-cookie-v1"),
		},
		base,
		{ name: "HMAC", hash: "SHA-256", length: 256 },
		false,
		["sign"],
	);
}

/** A cookie pair for `id`, signed as Hono signs, with `key`. */
const signedPair = async (id: string, key: CryptoKey) =>
	`${COOKIE}=${encodeURIComponent(`${id}.${base64(await hmac(key, id))}`)}`;

const sessionRow = async (id: string) =>
	env.DB.prepare("SELECT * FROM admin_sessions WHERE hash = ?")
		.bind(await sha256Hex(id))
		.first<{ key_id: number | null; csrf: string; expires_at: number }>();

describe("GET /admin without a session", () => {
	it("redirects to sign-in and comes back to the page asked for", async () => {
		const page = await visit("/admin/patterns?search=yoga");
		expect(page.status).toBe(303);
		const target = new URL(page.location ?? "", "https://x");
		expect(target.pathname).toBe("/admin/sign-in");
		expect(target.searchParams.get("next")).toBe("/admin/patterns?search=yoga");
	});

	it("serves the sign-in page with a labelled key field and a form token", async () => {
		const page = await visit("/admin/sign-in");
		expect(page.status).toBe(200);
		expect(page.html).toContain('<label for="f-key">API key</label>');
		expect(page.html).toMatch(/name="form_token" value="[\w-]{43}"/);
		expect(page.headers.get("Content-Security-Policy")).toContain("default-src 'none'");
	});

	it("never follows a next= outside the console", async () => {
		const page = await visit("/admin/sign-in?next=https://evil.example/");
		expect(page.html).toContain('name="next" value="/admin"');
	});
});

describe("POST /admin/sign-in", () => {
	it("sets a signed, HttpOnly, Secure, SameSite=Strict cookie that holds only a random session id", async () => {
		const { setCookie, cookie, csrf } = await signIn();
		expect(setCookie).toMatch(/^__Host-admin_session=/);
		expect(setCookie).toMatch(/; Max-Age=28800/);
		expect(setCookie).toMatch(/; Path=\//);
		expect(setCookie).toMatch(/; HttpOnly/);
		expect(setCookie).toMatch(/; Secure/);
		expect(setCookie).toMatch(/; SameSite=Strict/);
		const { id } = parts(cookie);
		expect(id).toMatch(/^[\w-]{43}$/);
		expect(cookie).not.toContain(ROOT_TOKEN);
		// D1 keeps the id's hash, the root's null key, the CSRF token and the expiry.
		const row = await sessionRow(id);
		expect(row).toMatchObject({ key_id: null, csrf });
		expect(row?.expires_at).toBeGreaterThan(Date.now() + 28_000_000);
		const week = await visit("/admin", { cookie });
		expect(week.status).toBe(200);
		expect(week.html).toContain("Week of");
		expect(week.html).toContain("Root token");
	});

	it("keeps an API key's id in D1, neither the key nor its id in the cookie", async () => {
		const key = await createKey(["write"]);
		const { cookie } = await signIn(key.key);
		expect((await sessionRow(parts(cookie).id))?.key_id).toBe(key.id);
		expect(cookie).not.toContain(key.key.slice(4, 14));
	});

	it("reads the session and its key in one D1 query per page", async () => {
		const key = await createKey(["admin"]);
		for (const secret of [ROOT_TOKEN, key.key]) {
			const { cookie } = await signIn(secret);
			const log: RecordedStatement[] = [];
			const page = await fetchWithVars({ DB: recordingD1(env.DB, log) }, "/admin/keys", {
				headers: { Cookie: cookie },
			});
			expect(page.status).toBe(200);
			// The session joined with its key, then the key list and the feed-token list.
			expect(log.map((statement) => statement.sql.slice(0, 60))).toHaveLength(3);
			expect(log[0]?.sql).toMatch(/from "admin_sessions" left join "api_keys"/);
		}
	});

	it("answers 401 with the error next to the key field for an unknown key", async () => {
		const form = await visit("/admin/sign-in");
		const cookie = form.headers.getSetCookie()[0]?.split(";")[0] ?? "";
		const token = /name="form_token" value="([^"]+)"/.exec(form.html)?.[1] ?? "";
		const page = await visit("/admin/sign-in", {
			cookie,
			form: { form_token: token, key: "cal_this-key-does-not-exist-at-all" },
		});
		expect(page.status).toBe(401);
		expect(page.html).toMatch(
			/<label for="f-key">API key<\/label>.*This key is not valid \(unknown, revoked or expired\)\./s,
		);
		expect(page.headers.getSetCookie().join()).not.toContain("admin_session");
	});

	it("refuses a sign-in form without its form token (login CSRF)", async () => {
		const page = await visit("/admin/sign-in", { form: { key: ROOT_TOKEN } });
		expect(page.status).toBe(403);
		expect(page.headers.getSetCookie().join()).not.toContain("admin_session");
	});
});

describe("session cookies that must not work", () => {
	const expectSignIn = (page: { status: number; location: string | null }) => {
		expect(page.status).toBe(303);
		expect(page.location).toMatch(/^\/admin\/sign-in\?/);
	};

	it("rejects garbage, an unsigned id, an edited id and another secret's signature", async () => {
		const { cookie } = await signIn();
		const { id, signature } = parts(cookie);
		const other = await signedPair(id, await hmacKey("another-session-secret-0123456789abc"));
		const edited = `${id.slice(0, -1)}${id.endsWith("A") ? "B" : "A"}`;
		for (const pair of [
			`${COOKIE}=garbage`,
			`${COOKIE}=${id}`,
			`${COOKIE}=${encodeURIComponent(`${edited}.${signature}`)}`,
			other,
		]) {
			const page = await visit("/admin", { cookie: pair });
			expectSignIn(page);
			expect(page.location, pair).toContain("done=expired");
			expect(page.headers.getSetCookie().join()).toMatch(/__Host-admin_session=;.*Max-Age=0/);
		}
		expect((await visit("/admin", { cookie })).status).toBe(200);
	});

	it("rejects a cookie signed with a key derived from ADMIN_TOKEN (the old scheme)", async () => {
		const { cookie } = await signIn();
		const { id } = parts(cookie);
		// The live session's own id, signed the old way: with HKDF(ADMIN_TOKEN), or ADMIN_TOKEN itself.
		for (const key of [await keyDerivedFromAdminToken(ROOT_TOKEN), await hmacKey(ROOT_TOKEN)]) {
			expectSignIn(await visit("/admin", { cookie: await signedPair(id, key) }));
		}
		// And an old-format cookie: claims, then an HMAC with the HKDF key.
		const claims = base64url(
			encoder.encode(
				JSON.stringify({
					root: true,
					keyId: null,
					scopes: ["admin"],
					expiresAt: Date.now() + 60_000,
					csrf: "x",
				}),
			),
		);
		const oldMac = base64url(await hmac(await keyDerivedFromAdminToken(ROOT_TOKEN), claims));
		expectSignIn(await visit("/admin", { cookie: `${COOKIE}=${claims}.${oldMac}` }));
	});

	it("gives a read-only key no offline oracle for the root token: nothing in it derives from ADMIN_TOKEN", async () => {
		const key = await createKey(["read"]);
		const { cookie } = await signIn(key.key);
		const { id, signature } = parts(cookie);
		// The signature is SESSION_SECRET's HMAC of a random id, and nothing else.
		expect(signature).toBe(base64(await hmac(await hmacKey(env.SESSION_SECRET), id)));
		expect(signature).not.toBe(base64(await hmac(await keyDerivedFromAdminToken(ROOT_TOKEN), id)));
		// The same cookie works under any ADMIN_TOKEN: it cannot be used to test guesses at it.
		const otherRoot = { ADMIN_TOKEN: "a-completely-different-root-token-0123456789" };
		const page = await fetchWithVars(otherRoot, "/admin", { headers: { Cookie: cookie } });
		expect(page.status).toBe(200);
		expect(await page.text()).toContain("(read-only)");
	});

	it("stops a copied cookie at once when its session signs out", async () => {
		const { cookie, csrf } = await signIn();
		const copy = cookie;
		expect((await visit("/admin", { cookie: copy })).status).toBe(200);
		expect((await visit("/admin/sign-out", { cookie, form: { csrf } })).status).toBe(303);
		expect(await sessionRow(parts(cookie).id)).toBeNull();
		expectSignIn(await visit("/admin", { cookie: copy }));
	});

	it("ends a key's sessions as soon as the key is revoked", async () => {
		const key = await createKey(["write"]);
		const { cookie } = await signIn(key.key);
		const second = await signIn(key.key);
		expect((await visit("/admin/patterns", { cookie })).status).toBe(200);
		expect(await sessionRow(parts(second.cookie).id)).not.toBeNull();
		await api("DELETE", `/api/keys/${key.id}`);
		expectSignIn(await visit("/admin/patterns", { cookie }));
		expectSignIn(await visit("/admin/patterns", { cookie: second.cookie }));
		expect(await sessionRow(parts(second.cookie).id)).toBeNull();
	});

	it("ends a key's session when the key expires, even if its row has not", async () => {
		const key = await createKey(["write"]);
		const { cookie } = await signIn(key.key);
		await env.DB.prepare("UPDATE api_keys SET expires_at = ? WHERE id = ?")
			.bind(Date.now() - 1, key.id)
			.run();
		expectSignIn(await visit("/admin", { cookie }));
	});

	it("rejects an expired session even if the browser still sends it", async () => {
		const { cookie } = await signIn();
		await env.DB.prepare("UPDATE admin_sessions SET expires_at = ? WHERE hash = ?")
			.bind(Date.now() - 1, await sha256Hex(parts(cookie).id))
			.run();
		expectSignIn(await visit("/admin", { cookie }));
	});

	it("ends root sessions when the root token is turned off", async () => {
		const { cookie } = await signIn();
		const page = await fetchWithVars({ ADMIN_TOKEN: "" }, "/admin", {
			headers: { Cookie: cookie },
		});
		expect(page.status).toBe(303);
	});

	it("is swept from D1 by the cron once expired", async () => {
		const [old, live] = [await signIn(), await signIn()];
		await env.DB.prepare("UPDATE admin_sessions SET expires_at = ? WHERE hash = ?")
			.bind(Date.now() - 1, await sha256Hex(parts(old.cookie).id))
			.run();
		await runScheduled();
		expect(await sessionRow(parts(old.cookie).id)).toBeNull();
		expect(await sessionRow(parts(live.cookie).id)).not.toBeNull();
	});
});

describe("without SESSION_SECRET", () => {
	it("refuses to run the console, with a clear 503", async () => {
		for (const secret of [undefined, "too-short"]) {
			const vars = { SESSION_SECRET: secret } as unknown as Partial<Env>;
			const page = await fetchWithVars(vars, "/admin/sign-in");
			expect(page.status).toBe(503);
			expect(await page.text()).toContain("set the SESSION_SECRET secret to at least 32");
		}
	});
});

describe("POST forms: CSRF and origin", () => {
	it("answers 403 when the CSRF token is missing or wrong, and changes nothing", async () => {
		const { cookie } = await signIn();
		const session = await createOneTimeSession();
		for (const form of [{}, { csrf: "not-the-token" }] as Record<string, string>[]) {
			const page = await visit(`/admin/sessions/${session.id}/cancel`, { cookie, form });
			expect(page.status).toBe(403);
			expect(page.html).toContain("security token is missing or stale");
		}
		expect((await api("GET", `/api/occurrences/${session.id}`)).body.status).toBe("scheduled");
	});

	it("answers 403 to a form posted from another origin, even with the right token", async () => {
		const { cookie, csrf } = await signIn();
		const session = await createOneTimeSession();
		const crossSite = await visit(`/admin/sessions/${session.id}/cancel`, {
			cookie,
			form: { csrf },
			headers: { Origin: "https://evil.example", "Sec-Fetch-Site": "cross-site" },
		});
		expect(crossSite.status).toBe(403);
		const sameSite = await visit(`/admin/sessions/${session.id}/cancel`, {
			cookie,
			form: { csrf },
			headers: { "Sec-Fetch-Site": "same-site" },
		});
		expect(sameSite.status).toBe(403);
		const ok = await visit(`/admin/sessions/${session.id}/cancel`, { cookie, form: { csrf } });
		expect(ok.status).toBe(303);
		expect((await api("GET", `/api/occurrences/${session.id}`)).body.status).toBe("cancelled");
	});

	it("answers 4xx, not 500, to a body that is not a form or is too large", async () => {
		const { cookie } = await signIn();
		const json = await visit("/admin/patterns", {
			cookie,
			headers: { "Content-Type": "application/json", Origin: ORIGIN },
			body: JSON.stringify({ title: "x" }),
		});
		expect(json.status).toBe(415);
		const huge = await visit("/admin/patterns", {
			cookie,
			form: { csrf: "x", description: "a".repeat(70_000) },
		});
		expect(huge.status).toBe(413);
		expect(huge.headers.get("Content-Type")).toMatch(/^text\/html/);
	});

	it("refuses a forged sign-out (no token, a wrong one, another origin) and the session keeps working", async () => {
		const { cookie, csrf } = await signIn();
		const forgeries: { form: Record<string, string>; headers?: Record<string, string> }[] = [
			{ form: {} },
			{ form: { csrf: "not-the-token" } },
			{
				form: { csrf },
				headers: { Origin: "https://evil.example", "Sec-Fetch-Site": "cross-site" },
			},
			{ form: { csrf }, headers: { Origin: "https://evil.example" } },
		];
		for (const forged of forgeries) {
			const out = await visit("/admin/sign-out", { cookie, ...forged });
			expect(out.status).toBe(403);
			expect(out.headers.getSetCookie().join()).not.toContain("__Host-admin_session=");
			expect((await visit("/admin", { cookie })).status).toBe(200);
		}
	});

	it("signs out with the token, deletes the session and clears the cookie", async () => {
		const { cookie, csrf } = await signIn();
		const out = await visit("/admin/sign-out", { cookie, form: { csrf } });
		expect(out.status).toBe(303);
		expect(out.location).toBe("/admin/sign-in?done=signed-out");
		expect(out.headers.getSetCookie().join()).toMatch(/__Host-admin_session=;.*Max-Age=0/);
	});
});

describe("a read-only key", () => {
	it("sees the pages without any edit control", async () => {
		const key = await createKey(["read"], "Wall screen");
		const { cookie } = await signIn(key.key);
		const session = await createOneTimeSession();
		const detail = await visit(`/admin/sessions/${session.id}`, { cookie });
		expect(detail.status).toBe(200);
		expect(detail.html).toContain("Wall screen (read-only)");
		expect(detail.html).toContain(session.title);
		expect(detail.html).not.toContain("Cancel session");
		expect(detail.html).not.toContain("Save session");
		// The one form left is signing out.
		expect(detail.html.match(/<form method="post"/g)).toHaveLength(1);
		const week = await visit("/admin", { cookie });
		expect(week.html).not.toContain("New one-time session");
		expect((await visit("/admin/patterns/new", { cookie })).status).toBe(403);
		expect((await visit("/admin/keys", { cookie })).status).toBe(403);
	});

	it("is refused every POST, even with a valid CSRF token", async () => {
		const key = await createKey(["read"]);
		const { cookie, csrf } = await signIn(key.key);
		expect(csrf).not.toBe("");
		const session = await createOneTimeSession();
		const page = await visit(`/admin/sessions/${session.id}/cancel`, { cookie, form: { csrf } });
		expect(page.status).toBe(403);
		expect(page.html).toContain("This key is read-only");
		expect((await api("GET", `/api/occurrences/${session.id}`)).body.status).toBe("scheduled");
		const out = await visit("/admin/sign-out", { cookie, form: { csrf } });
		expect(out.status).toBe(303);
	});

	it("a write key may edit but not manage keys", async () => {
		const key = await createKey(["write"]);
		const { cookie } = await signIn(key.key);
		expect((await visit("/admin/keys", { cookie })).status).toBe(403);
		const week = await visit("/admin", { cookie });
		expect(week.html).not.toContain('href="/admin/keys"');
		expect(week.html).toContain("New one-time session");
		expect(csrfOf(week.html)).not.toBe("");
	});
});
