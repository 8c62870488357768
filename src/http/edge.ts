import type { MiddlewareHandler } from "hono";
import { cors } from "hono/cors";
import type { AppEnv } from "./app-env";
import { ApiError } from "./problem";

const RATE_PERIOD_SECONDS = 60;

/** CORS from the CORS_ORIGINS allow-list ("*" for any origin); preflights are answered here. */
export const corsFromEnv: MiddlewareHandler<AppEnv> = (c, next) =>
	cors({
		origin: (origin) => {
			const allowed = (c.env.CORS_ORIGINS ?? "").split(",").map((entry) => entry.trim());
			if (allowed.includes("*")) return origin || "*";
			return allowed.includes(origin) ? origin : null;
		},
		allowMethods: ["GET", "HEAD", "POST", "PATCH", "DELETE", "OPTIONS"],
		allowHeaders: [
			"Authorization",
			"Content-Type",
			"If-Match",
			"If-None-Match",
			"Idempotency-Key",
			"X-D1-Bookmark",
			"X-Request-Id",
		],
		exposeHeaders: [
			"ETag",
			"Link",
			"Location",
			"Retry-After",
			"Server-Timing",
			"X-Request-Id",
			"X-D1-Bookmark",
			"Idempotent-Replayed",
		],
		maxAge: 600,
	})(c, next);

/**
 * Per-key request budget through the Workers Rate Limiting binding (per client IP when
 * anonymous). The root token is the operator's own credential and is not limited. A feed token
 * has its own budget: calendar services poll every subscriber's feed from a few shared addresses.
 */
export const rateLimit: MiddlewareHandler<AppEnv> = async (c, next) => {
	const principal = c.var.principal;
	if (principal.id === "root") return next();
	const anonymous = principal.keyId === null && !principal.feed;
	const key = anonymous ? `ip:${c.req.header("CF-Connecting-IP") ?? "unknown"}` : principal.id;
	const { success } = await c.env.RATE_LIMITER.limit({ key });
	if (!success) {
		throw new ApiError(
			"rate_limited",
			`Too many requests for this key; retry after ${RATE_PERIOD_SECONDS} seconds.`,
			{
				headers: { "Retry-After": String(RATE_PERIOD_SECONDS) },
			},
		);
	}
	return next();
};
