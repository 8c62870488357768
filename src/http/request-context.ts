import type { Context, MiddlewareHandler } from "hono";
import { createDb, emptyUsage, meteredSession } from "../db/client";
import type { AppEnv } from "./app-env";
import { requestHeaders } from "./headers";
import { ApiError } from "./problem";

/** Carries a D1 bookmark both ways, as in Cloudflare's read replication guide. */
export const BOOKMARK_HEADER = "X-D1-Bookmark";

/**
 * Where the request's D1 session starts (D1 read replication, Sessions API). A read with a bookmark
 * starts at a copy at least that recent (it reads its own writes); a read without one at any copy.
 * Writes, and the admin console (it redirects to the page it just changed), start at the primary,
 * which is as recent as any bookmark, so their checks and writes see the latest data.
 */
function sessionStart(c: Context<AppEnv>): D1SessionBookmark | D1SessionConstraint {
	const reads =
		(c.req.method === "GET" || c.req.method === "HEAD") && !c.req.path.startsWith("/admin");
	if (!reads) return "first-primary";
	const sent = c.req.header(BOOKMARK_HEADER);
	return sent !== undefined && requestHeaders.D1Bookmark.safeParse(sent).success
		? sent
		: "first-unconstrained";
}

/**
 * Per request: an id, a D1 session that meters every round trip, and on the way out the
 * `X-Request-Id`, `X-D1-Bookmark` and `Server-Timing` headers and one JSON log line.
 * Kept instead of hono/request-id: the id is checked by the same Zod schema the OpenAPI document
 * shows (requestHeaders.RequestId). Kept instead of hono/timing: the metric is D1's own row counts,
 * known only once the request has run, and written with the log line that carries the same numbers.
 */
export const requestContext: MiddlewareHandler<AppEnv> = async (c, next) => {
	const started = Date.now();
	const sent = c.req.header("X-Request-Id");
	const requestId =
		sent && requestHeaders.RequestId.safeParse(sent).success ? sent : crypto.randomUUID();
	const usage = emptyUsage();
	const rider = {};
	c.set("requestId", requestId);
	c.set("usage", usage);
	c.set("rider", rider);
	const session = c.env.DB.withSession(sessionStart(c));
	c.set("db", createDb(meteredSession(session, usage, rider)));
	await next();
	c.header("X-Request-Id", requestId);
	// null only when no query ran and none was asked to start at a bookmark.
	const bookmark = session.getBookmark();
	if (bookmark !== null) c.header(BOOKMARK_HEADER, bookmark);
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
};

/** A body sent to the API must be JSON (RFC 9110 §15.5.16: 415 otherwise). */
export const requireJsonBodies: MiddlewareHandler<AppEnv> = async (c, next) => {
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
};

/** A malformed X-D1-Bookmark is the client's mistake (D1 would reject it as a server error). */
export const requireValidBookmark: MiddlewareHandler<AppEnv> = async (c, next) => {
	const sent = c.req.header(BOOKMARK_HEADER);
	if (sent !== undefined && !requestHeaders.D1Bookmark.safeParse(sent).success) {
		const message =
			"A bookmark as an earlier response's X-D1-Bookmark gave it (8-8-8-32 hex digits), or first-primary / first-unconstrained.";
		throw new ApiError("validation", `X-D1-Bookmark: ${message}`, {
			errors: [{ path: BOOKMARK_HEADER, message }],
		});
	}
	await next();
};
