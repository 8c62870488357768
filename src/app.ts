import { OpenAPIHono } from "@hono/zod-openapi";
import { bodyLimit } from "hono/body-limit";
import { secureHeaders } from "hono/secure-headers";
import { createDb, emptyUsage, meteredD1 } from "./db/client";
import { serveReference } from "./docs/routes";
import type { AppEnv } from "./http/app-env";
import { requireAuth } from "./http/auth";
import { corsFromEnv, rateLimit } from "./http/edge";
import { hashedEtags } from "./http/etag";
import { requestHeaders } from "./http/headers";
import { idempotency } from "./http/idempotency";
import { allowedMethods } from "./http/method-not-allowed";
import { ApiError, problemResponse, toApiError } from "./http/problem";
import { validationHook } from "./http/validation";
import { feedRoutes } from "./ical/routes";
import { jobRoutes } from "./jobs/routes";
import { keyRoutes } from "./keys/routes";
import { limits } from "./lib/fields";
import { occurrenceRoutes } from "./occurrences/routes";
import { patternRoutes } from "./patterns/routes";
import { seriesRoutes } from "./patterns/series-routes";
import { splitRoutes } from "./patterns/split-routes";

export function createApp() {
	// strict: false serves every path with and without a trailing slash, as the old service did.
	const app = new OpenAPIHono<AppEnv>({ strict: false, defaultHook: validationHook });

	app.use("*", async (c, next) => {
		const started = Date.now();
		const sent = c.req.header("X-Request-Id");
		const requestId =
			sent && requestHeaders.RequestId.safeParse(sent).success ? sent : crypto.randomUUID();
		const usage = emptyUsage();
		const rider = {};
		c.set("requestId", requestId);
		c.set("usage", usage);
		c.set("rider", rider);
		c.set("db", createDb(meteredD1(c.env.DB, usage, rider)));
		await next();
		c.header("X-Request-Id", requestId);
		if (c.req.path.startsWith("/api")) {
			c.header(
				"Server-Timing",
				`d1;dur=${usage.durationMs.toFixed(2)};desc="queries=${usage.queries} rows_read=${usage.rowsRead} rows_written=${usage.rowsWritten}"`,
			);
		}
		console.log(
			JSON.stringify({
				event: "request",
				method: c.req.method,
				route: c.req.routePath,
				path: c.req.path,
				status: c.res.status,
				duration_ms: Date.now() - started,
				request_id: requestId,
				principal: c.var.principal?.id ?? null,
				key_id: c.var.principal?.keyId ?? null,
				d1: usage,
			}),
		);
	});

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
				throw new ApiError(
					"payload_too_large",
					`Request bodies are at most ${limits.bodyBytes} bytes.`,
				);
			},
		}),
	);

	app.use("/api/*", async (c, next) => {
		const hasBody = c.req.header("Content-Length") !== "0" && c.req.raw.body !== null;
		const type = c.req.header("Content-Type") ?? "";
		if (
			hasBody &&
			["POST", "PATCH", "PUT"].includes(c.req.method) &&
			!/^application\/([\w.-]+\+)?json\b/i.test(type)
		) {
			throw new ApiError("unsupported_media_type", "Send request bodies as application/json.");
		}
		await next();
	});

	app.use("/api/*", requireAuth, rateLimit, idempotency, hashedEtags);

	app.route("/api/patterns", patternRoutes);
	app.route("/api/patterns", seriesRoutes);
	app.route("/api/patterns", splitRoutes);
	app.route("/api", feedRoutes);
	app.route("/api/occurrences", occurrenceRoutes);
	app.route("/api/jobs", jobRoutes);
	app.route("/api/keys", keyRoutes);

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
					error:
						error instanceof Error
							? { name: error.name, message: error.message, stack: error.stack }
							: String(error),
				}),
			);
		}
		return problemResponse(c, problem);
	});

	return app;
}
