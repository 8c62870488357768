import type { MiddlewareHandler } from "hono";
import { createDb, emptyUsage, meteredD1 } from "../db/client";
import { authenticateFeedKey, misplacedSecretDetail } from "../feed-tokens/auth";
import type { AppEnv, Principal } from "../http/app-env";
import { ApiError } from "../http/problem";
import { effectiveScopes, lastUseIsStale, type Scope, touchApiKey } from "../keys/service";
import { verifySecret } from "./failure-budget";

const ALL_SCOPES = effectiveScopes(["admin"]);
const ANONYMOUS: Principal = {
	id: "anonymous",
	keyId: null,
	scopes: new Set(),
	secret: null,
	calendarIds: null,
};

/**
 * Which scope a request needs: admin for keys, feed tokens, jobs and changes to calendars; read
 * for safe methods.
 */
export function requiredScope(method: string, path: string): Scope {
	const read = method === "GET" || method === "HEAD";
	if (/^\/api\/(keys|feed-tokens|jobs|webhooks)(\/|$)/.test(path)) return "admin";
	if (/^\/api\/calendars\/[^/]+\/feed-tokens\/?$/.test(path)) return "admin";
	if (!read && /^\/api\/calendars(\/[^/]+)?\/?$/.test(path)) return "admin";
	return read ? "read" : "write";
}

/**
 * The bearer secret of a request (RFC 6750 §2.1). An Authorization header that is not a bearer
 * token is an error (null), never a silent fall-back to anonymous: with PUBLIC_READ on, a
 * mistyped header would otherwise pass as "no key" and hide the client's bug. (Feeds' ?key=
 * takes feed tokens only: src/feed-tokens/auth.ts.)
 */
function presentedSecret(authorization: string | undefined): string | null | undefined {
	if (authorization !== undefined) return /^Bearer +(\S+) *$/i.exec(authorization)?.[1] ?? null;
	return undefined;
}

const challenge = (error?: string) =>
	error ? `Bearer realm="calendar", error="${error}"` : `Bearer realm="calendar"`;

const invalidCredentials = (detail: string, error: string) =>
	new ApiError("unauthorized", detail, { headers: { "WWW-Authenticate": challenge(error) } });

/**
 * Resolves the caller to a principal: the root token, a live API key (one indexed D1 lookup), or
 * nobody. Throws 401 for a malformed header and for a key that is unknown, revoked or expired;
 * 429, before comparing or looking anything up, once the client's failures spent their budget.
 */
export async function authenticate(
	env: Env,
	db: AppEnv["Variables"]["db"],
	authorization: string | undefined,
	url: URL,
	client: {
		/** CF-Connecting-IP: failures are budgeted per address. */
		address?: string;
		/** Takes the key's use to record (last_used_at) once the request succeeds; else none is. */
		recordUse?: (work: () => Promise<void>) => void;
	} = {},
): Promise<Principal> {
	const feedPrincipal = await authenticateFeedKey(db, url, authorization);
	if (feedPrincipal) return feedPrincipal;
	const secret = presentedSecret(authorization);
	if (secret === undefined) return ANONYMOUS;
	if (secret === null) {
		throw invalidCredentials("Send the key as Authorization: Bearer <key>.", "invalid_request");
	}
	const now = Date.now();
	const found = await verifySecret(env, db, secret, client.address, now);
	if (!found) {
		const detail =
			misplacedSecretDetail(secret) ?? "The API key is not valid (unknown, revoked or expired).";
		throw invalidCredentials(detail, "invalid_token");
	}
	if (found.root) return { id: "root", keyId: null, scopes: ALL_SCOPES, secret, calendarIds: null };
	const { key } = found;
	if (client.recordUse && lastUseIsStale(key.lastUsedAt, now)) {
		client.recordUse(() => recordUse(env, key.id, now));
	}
	return {
		id: `key:${key.id}`,
		keyId: key.id,
		scopes: effectiveScopes(key.scopes),
		secret,
		expiresAt: key.expiresAt,
		// From the same row as the key: scoping costs no round trip.
		calendarIds: key.calendarIds ?? null,
	};
}

/**
 * last_used_at, written after the response on a connection of its own (never riding the
 * request's idempotency batch). A failure only loses a timestamp: it is logged, not thrown.
 */
async function recordUse(env: Env, keyId: number, now: number) {
	try {
		await touchApiKey(createDb(meteredD1(env.DB, emptyUsage())), keyId, now);
	} catch (error) {
		console.error(
			JSON.stringify({ event: "last_used_failed", key_id: keyId, error: String(error) }),
		);
	}
}

/** GET or DELETE /api/bookings/{id}?token=…: the attendee's own link, with no API key. */
const manageTokenPath = /^\/api\/bookings\/(\d{1,15})\/?$/;

function manageTokenPrincipal(method: string, url: URL): Principal | undefined {
	const token = url.searchParams.get("token");
	if (!token || !["GET", "HEAD", "DELETE"].includes(method)) return undefined;
	const id = manageTokenPath.exec(url.pathname)?.[1];
	if (id === undefined) return undefined;
	// No scopes: it opens only the booking whose token hash it matches (src/bookings/routes.ts).
	return {
		id: `booking:${id}`,
		keyId: null,
		scopes: new Set(),
		secret: null,
		manageToken: token,
		calendarIds: null,
	};
}

export const requireAuth: MiddlewareHandler<AppEnv> = async (c, next) => {
	const url = new URL(c.req.url);
	const attendee =
		c.req.header("Authorization") === undefined
			? manageTokenPrincipal(c.req.method, url)
			: undefined;
	if (attendee) {
		// The route looks the booking up by id and token hash together: nothing else opens.
		c.set("principal", attendee);
		return next();
	}
	let use: (() => Promise<void>) | undefined;
	const principal = await authenticate(c.env, c.var.db, c.req.header("Authorization"), url, {
		address: c.req.header("CF-Connecting-IP"),
		recordUse: (work) => {
			use = work;
		},
	});
	c.set("principal", principal);
	const scope = requiredScope(c.req.method, c.req.path);
	const publicRead = scope === "read" && c.env.PUBLIC_READ === "true";
	if (principal.scopes.has(scope) || publicRead) {
		await next();
		// A key's use is its successful requests: a rejected one changes nothing, not even this.
		// After the response, so it adds no latency.
		if (use && c.res.status < 400) c.executionCtx.waitUntil(use());
		return;
	}
	if (principal === ANONYMOUS) {
		throw new ApiError("unauthorized", "Send an API key: Authorization: Bearer <key>.", {
			headers: { "WWW-Authenticate": challenge() },
		});
	}
	throw new ApiError("forbidden", `This key lacks the "${scope}" scope.`, {
		headers: { "WWW-Authenticate": `${challenge("insufficient_scope")}, scope="${scope}"` },
	});
};
