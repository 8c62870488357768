import { Hono } from "hono";
import { getCookie, setCookie } from "hono/cookie";
import { verifySecret } from "../auth/failure-budget";
import { ApiError } from "../http/problem";
import { randomToken } from "../lib/base64url";
import { secretsEqual } from "../lib/crypto";
import type { AdminContext, AdminEnv } from "./env";
import { ErrorSummary, Input } from "./fields";
import { type Errors, noticeFor, readForm } from "./forms";
import { assertSameOrigin, closeSession, sessionSecret, startSession } from "./guard";
import { Page } from "./ui";

// Login CSRF: the sign-in form echoes a random token also set as a cookie (double submit), so a
// form posted from elsewhere cannot sign a browser in to someone else's session.
const FORM_COOKIE = "admin_signin";

/** Only paths inside the console are followed after sign-in (no open redirect). */
const safeNext = (next: string | undefined) =>
	next && /^\/admin(?:[/?]|$)/.test(next) && !next.includes("\\") ? next : "/admin";

function signInPage(c: AdminContext, errors: Errors = {}, status: 200 | 401 = 200) {
	const token = randomToken();
	setCookie(c, FORM_COOKIE, token, {
		prefix: "host",
		path: "/",
		secure: true,
		httpOnly: true,
		sameSite: "Strict",
		maxAge: 3600,
	});
	c.header("Cache-Control", "no-store");
	return c.html(
		<Page title="Sign in" notice={noticeFor(c.req.query("done"))}>
			<div class="signin card">
				<h1>Sign in</h1>
				<p>
					Use an API key with the <strong>write</strong> or <strong>admin</strong> scope, or the
					root token. A <strong>read</strong> key signs in read-only.
				</p>
				<ErrorSummary errors={errors} labels={{ key: "API key" }} />
				<form method="post" action="/admin/sign-in">
					<input type="hidden" name="form_token" value={token} />
					<input type="hidden" name="next" value={safeNext(c.req.query("next"))} />
					<Input
						name="key"
						label="API key"
						type="password"
						value=""
						errors={errors}
						hint="An API key (cal_…) or the root token. It is checked, never kept in the cookie."
						autocomplete="off"
						required
					/>
					<button type="submit">Sign in</button>
				</form>
			</div>
		</Page>,
		status,
	);
}

export const signInRoutes = new Hono<AdminEnv>();

signInRoutes.get("/sign-in", (c) => {
	sessionSecret(c);
	return signInPage(c);
});

signInRoutes.post("/sign-in", async (c) => {
	assertSameOrigin(c);
	sessionSecret(c);
	const form = await readForm(c);
	const expected = getCookie(c, FORM_COOKIE, "host");
	const sent = form.get("form_token");
	if (!expected || typeof sent !== "string" || !(await secretsEqual(sent, expected))) {
		throw new ApiError("forbidden", "The sign-in form is stale; reload the page and try again.");
	}
	const secret = String(form.get("key") ?? "").trim();
	const next = safeNext(String(form.get("next") ?? ""));
	if (secret === "") return signInPage(c, { key: "Enter an API key." }, 401);
	// The same path as bearer secrets on /api: budgeted failures, checked before any comparison.
	const found = await verifySecret(
		c.env,
		c.var.db,
		secret,
		c.req.header("CF-Connecting-IP"),
		Date.now(),
	);
	if (!found) {
		return signInPage(c, { key: "This key is not valid (unknown, revoked or expired)." }, 401);
	}
	await startSession(c, found.root ? null : found.key.id);
	return c.redirect(next, 303);
});

/** Registered behind the session guard: signing out is a POST with the CSRF token like any other. */
export const signOut = async (c: AdminContext) => {
	await closeSession(c);
	return c.redirect("/admin/sign-in?done=signed-out", 303);
};
