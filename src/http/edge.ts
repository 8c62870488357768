import type { Context, MiddlewareHandler } from "hono";
import { cors } from "hono/cors";
import type { AppEnv } from "./app-env";
import { ApiError } from "./problem";

const RATE_PERIOD_SECONDS = 60;
const READ_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

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
	const { success } = await c.env.RATE_LIMITER.limit({ key: budgetKey(c) });
	if (!success) throw rateLimited("requests");
	return next();
};

/**
 * Per-principal write budget (WRITE_LIMITER): every method but GET, HEAD and OPTIONS. The root
 * token is not exempt: with the sessions one request may create it bounds what any one
 * credential, leaked or run by a runaway script, can add to D1 in a minute.
 */
export const writeLimit: MiddlewareHandler<AppEnv> = async (c, next) => {
	if (READ_METHODS.has(c.req.method)) return next();
	const { success } = await c.env.WRITE_LIMITER.limit({ key: budgetKey(c) });
	if (!success) throw rateLimited("writes");
	return next();
};

/** Budgets count per key (feed token, root token) or, for anonymous reads, per client address. */
function budgetKey(c: Context<AppEnv>): string {
	const principal = c.var.principal;
	const anonymous = principal.keyId === null && !principal.feed && principal.id !== "root";
	return anonymous ? `ip:${c.req.header("CF-Connecting-IP") ?? "unknown"}` : principal.id;
}

const rateLimited = (what: "requests" | "writes") =>
	new ApiError(
		"rate_limited",
		`Too many ${what} for this key; retry after ${RATE_PERIOD_SECONDS} seconds.`,
		{ headers: { "Retry-After": String(RATE_PERIOD_SECONDS) } },
	);
