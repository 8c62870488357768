import { OpenAPIHono } from "@hono/zod-openapi";
import { bodyLimit } from "hono/body-limit";
import { etag } from "hono/etag";
import { secureHeaders } from "hono/secure-headers";
import { adminApp } from "./admin";
import { requireAuth } from "./auth/authenticate";
import { bookingRoutes, holdRoutes, sessionBookingRoutes } from "./bookings/routes";
import { calendarRoutes } from "./calendars/routes";
import { changeRoutes } from "./changes/routes";
import { causeChain } from "./db/errors";
import { serveReference } from "./docs/routes";
import { calendarFeedTokenRoutes, feedTokenRoutes } from "./feed-tokens/routes";
import type { AppEnv } from "./http/app-env";
import { corsFromEnv, rateLimit, writeLimit } from "./http/edge";
import { idempotency } from "./http/idempotency";
import { allowedMethods } from "./http/method-not-allowed";
import { ApiError, problemResponse, toApiError } from "./http/problem";
import { requestContext, requireJsonBodies, requireValidBookmark } from "./http/request-context";
import { validationHook } from "./http/validation";
import { feedRoutes } from "./ical/routes";
import { jobRoutes } from "./jobs/routes";
import { keyRoutes } from "./keys/routes";
import { limits } from "./lib/fields";
import { occurrenceRoutes } from "./occurrences/routes";
import { patternRoutes } from "./patterns/routes";
import { seriesRoutes } from "./patterns/series-routes";
import { splitRoutes } from "./patterns/split-routes";
import { sendAfterCommit } from "./webhooks/after-commit";
import { webhookRoutes } from "./webhooks/routes";

export function createApp() {
	// strict: false serves every path with and without a trailing slash, as the old service did.
	const app = new OpenAPIHono<AppEnv>({ strict: false, defaultHook: validationHook });

	app.use("*", requestContext);

	app.use(
		"*",
		secureHeaders({
			// JSON needs no CSP allowances; /docs sets its own nonce-based policy, which is kept.
			contentSecurityPolicy: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] },
			xFrameOptions: "DENY",
			overwrite: false,
		}),
	);
	app.use("/api/*", corsFromEnv);
	app.use("/openapi.json", corsFromEnv);
	app.use(
		"/api/*",
		bodyLimit({
			maxSize: limits.bodyBytes,
			onError: () => {
				const message = `Request bodies are at most ${limits.bodyBytes} bytes.`;
				throw new ApiError("payload_too_large", message, {
					errors: [{ path: "(body)", message }],
				});
			},
		}),
	);

	app.use("/api/*", requireJsonBodies, requireValidBookmark);

	// hono/etag: a strong ETag (SHA-1 of the bytes) and 304s for lists and feeds; single resources set
	// their own id.version tags first, which it keeps.
	app.use("/api/*", requireAuth, rateLimit, writeLimit, sendAfterCommit, idempotency, etag());

	app.route("/api/patterns", patternRoutes);
	app.route("/api/patterns", seriesRoutes);
	app.route("/api/patterns", splitRoutes);
	app.route("/api", feedRoutes);
	app.route("/api/occurrences", occurrenceRoutes);
	app.route("/api/occurrences", sessionBookingRoutes);
	app.route("/api/bookings", bookingRoutes);
	app.route("/api/holds", holdRoutes);
	app.route("/api/jobs", jobRoutes);
	app.route("/api/keys", keyRoutes);
	app.route("/api/changes", changeRoutes);
	app.route("/api/webhooks", webhookRoutes);
	app.route("/api/feed-tokens", feedTokenRoutes);
	app.route("/api/calendars", calendarRoutes);
	app.route("/api/calendars", calendarFeedTokenRoutes);
	// The console's writes make deliveries too: sent after the commit, as the API's are.
	app.use("/admin/*", sendAfterCommit);
	app.route("/admin", adminApp);

	serveReference(app);

	const methodsFor = allowedMethods(app);
	app.notFound((c) => {
		const allowed = methodsFor(c.req.path);
		if (allowed.length > 0) {
			return problemResponse(
				c,
				new ApiError(
					"method_not_allowed",
					`${c.req.method} is not allowed here; use ${allowed.join(", ")}.`,
					{
						headers: { Allow: allowed.join(", ") },
					},
				),
			);
		}
		return problemResponse(
			c,
			new ApiError("not_found", `No route for ${c.req.method} ${c.req.path}.`),
		);
	});

	app.onError((error, c) => {
		const problem = toApiError(error);
		if (problem.status >= 500) {
			console.error(
				JSON.stringify({
					event: "error",
					request_id: c.var.requestId,
					// causeChain: drizzle wraps D1's own message ("Failed query: …") in its cause.
					error:
						error instanceof Error
							? { name: error.name, message: causeChain(error), stack: error.stack }
							: String(error),
				}),
			);
		}
		return problemResponse(c, problem);
	});

	return app;
}
