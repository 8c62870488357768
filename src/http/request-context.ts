import type { MiddlewareHandler } from "hono";
import { createDb, emptyUsage, meteredD1 } from "../db/client";
import type { AppEnv } from "./app-env";
import { requestHeaders } from "./headers";
import { ApiError } from "./problem";

/**
 * Per request: an id, a D1 handle that meters every round trip, and on the way out the
 * `X-Request-Id` and `Server-Timing` headers and one JSON log line.
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
