import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { sealSession } from "../src/admin/session";
import { createKey, createOneTimeSession, csrfOf, ORIGIN, signIn, visit } from "./admin-helpers";
import { api, ROOT_TOKEN } from "./helpers";

const rootClaims = (overrides = {}) => ({
	root: true,
	keyId: null,
	scopes: ["admin" as const],
	expiresAt: Date.now() + 60_000,
	csrf: "known-csrf-token",
	...overrides,
});

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
	it("sets a signed, HttpOnly, Secure, SameSite=Strict session cookie that holds no secret", async () => {
		const { setCookie, cookie } = await signIn();
		expect(setCookie).toMatch(/^__Host-admin_session=/);
		expect(setCookie).toMatch(/; Max-Age=28800/);
		expect(setCookie).toMatch(/; Path=\//);
		expect(setCookie).toMatch(/; HttpOnly/);
		expect(setCookie).toMatch(/; Secure/);
		expect(setCookie).toMatch(/; SameSite=Strict/);
		const payload = atob(
			cookie.split("=")[1]?.split(".")[0]?.replace(/-/g, "+").replace(/_/g, "/") ?? "",
		);
		expect(payload).not.toContain(ROOT_TOKEN);
		expect(JSON.parse(payload)).toMatchObject({ root: true, keyId: null, scopes: ["admin"] });
		const week = await visit("/admin", { cookie });
		expect(week.status).toBe(200);
		expect(week.html).toContain("Week of");
		expect(week.html).toContain("Root token");
	});

	it("stores an API key's id, not the key", async () => {
		const key = await createKey(["write"]);
		const { cookie } = await signIn(key.key);
		const payload = JSON.parse(atob(cookie.split("=")[1]?.split(".")[0] ?? ""));
		expect(payload).toMatchObject({ root: false, keyId: key.id, scopes: ["write"] });
		expect(JSON.stringify(payload)).not.toContain(key.key.slice(4));
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
			/<label for="f-key">API key<\/label>.*This key is not valid \(unknown or revoked\)\./s,
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

	it("rejects a cookie whose claims were edited", async () => {
		const key = await createKey(["read"]);
		const { cookie } = await signIn(key.key);
		const [name, value] = cookie.split("=") as [string, string];
		const [payload, mac] = value.split(".") as [string, string];
		const claims = JSON.parse(atob(payload));
		const forged = btoa(
			JSON.stringify({ ...claims, root: true, keyId: null, scopes: ["admin"] }),
		).replace(/=+$/, "");
		const page = await visit("/admin", { cookie: `${name}=${forged}.${mac}` });
		expectSignIn(page);
		expect(page.location).toContain("done=expired");
		expect(page.headers.getSetCookie().join()).toMatch(/__Host-admin_session=;.*Max-Age=0/);
	});

	it("rejects garbage, an empty MAC and a cookie signed with another token", async () => {
		const other = await sealSession("another-root-token", rootClaims());
		for (const value of ["garbage", "e30.", "e30.AAAA.extra", other]) {
			expectSignIn(await visit("/admin", { cookie: `__Host-admin_session=${value}` }));
		}
	});

	it("rejects an expired cookie even if the browser still sends it", async () => {
		const expired = await sealSession(ROOT_TOKEN, rootClaims({ expiresAt: Date.now() - 1 }));
		expectSignIn(await visit("/admin", { cookie: `__Host-admin_session=${expired}` }));
		const fresh = await sealSession(ROOT_TOKEN, rootClaims());
		expect((await visit("/admin", { cookie: `__Host-admin_session=${fresh}` })).status).toBe(200);
	});

	it("ends a key's session as soon as the key is revoked", async () => {
		const key = await createKey(["write"]);
		const { cookie } = await signIn(key.key);
		expect((await visit("/admin/patterns", { cookie })).status).toBe(200);
		await api("DELETE", `/api/keys/${key.id}`);
		expectSignIn(await visit("/admin/patterns", { cookie }));
	});

	it("is invalidated by rotating ADMIN_TOKEN (the signing key derives from it)", async () => {
		const sealed = await sealSession(`${env.ADMIN_TOKEN}-rotated`, rootClaims());
		expectSignIn(await visit("/admin", { cookie: `__Host-admin_session=${sealed}` }));
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

	it("signs out with the token and clears the cookie", async () => {
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
