// The admin console at /admin: server-rendered pages over the same service functions as the API,
// so the same rules and the same errors apply. Works without JavaScript; the only asset is CSS.

import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { writeLimit } from "../http/edge";
import { ApiError, notFound, toApiError } from "../http/problem";
import { limits } from "../lib/fields";
import { calendarRoutes } from "./calendar";
import { calendarPages } from "./calendars-page";
import type { AdminEnv } from "./env";
import { requireSession } from "./guard";
import { keyPages } from "./keys";
import { patternActions } from "./pattern-actions";
import { patternPages } from "./patterns";
import { patternList } from "./patterns-list";
import { rosterPages } from "./roster";
import { sessionPages } from "./sessions";
import { sessionList } from "./sessions-list";
import { signInRoutes, signOut } from "./sign-in";
import { splitPages } from "./split";
import { stylesheet } from "./style";
import { Page } from "./ui";
import { webhookPages } from "./webhooks";

export const adminApp = new Hono<AdminEnv>();

adminApp.use("*", async (c, next) => {
	await next();
	// Same-origin form posts must carry an Origin header for the CSRF check (the API sends
	// no-referrer, under which browsers send "Origin: null").
	c.header("Referrer-Policy", "same-origin");
	// Nothing but this origin's stylesheet and forms; no scripts at all.
	c.header(
		"Content-Security-Policy",
		"default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
	);
});

adminApp.use(
	"*",
	bodyLimit({
		maxSize: limits.bodyBytes,
		onError: () => {
			throw new ApiError("payload_too_large", `Forms are at most ${limits.bodyBytes} bytes.`);
		},
	}),
);

adminApp.get("/style.css", (c) => {
	c.header("Content-Type", "text/css; charset=utf-8");
	c.header("Cache-Control", "public, max-age=3600");
	return c.body(stylesheet);
});

adminApp.route("/", signInRoutes);
adminApp.use("*", requireSession);
adminApp.post("/sign-out", signOut);
// The console's forms spend the same write budget as the API, per signed-in credential.
adminApp.use("*", writeLimit);
adminApp.route("/", calendarRoutes);
adminApp.route("/", patternList);
adminApp.route("/", patternPages);
adminApp.route("/", patternActions);
adminApp.route("/", splitPages);
adminApp.route("/", sessionList);
adminApp.route("/", sessionPages);
adminApp.route("/", rosterPages);
adminApp.route("/", keyPages);
adminApp.route("/", calendarPages);
adminApp.route("/", webhookPages);

adminApp.all("*", (c) => {
	throw notFound("Page", c.req.path);
});

adminApp.onError((error, c) => {
	const problem = toApiError(error);
	if (problem.status >= 500) {
		console.error(
			JSON.stringify({ event: "error", request_id: c.var.requestId, error: String(error) }),
		);
	}
	return c.html(
		<Page title={problem.status === 404 ? "Not found" : "Error"} user={c.var.user}>
			<div class="card">
				<h1>{problem.status === 404 ? "Not found" : "That did not work"}</h1>
				<p>{problem.message}</p>
				<p>
					<a href="/admin">Back to the calendar</a>
				</p>
			</div>
		</Page>,
		problem.status,
	);
});
