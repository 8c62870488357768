// Who may see and change what in the console. Every page needs a valid session cookie; every POST
// also needs a same-origin request, the session's CSRF token and, except signing out, write scope.
import type { MiddlewareHandler } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { ApiError } from "../http/problem";
import { effectiveScopes, findLiveApiKey, type Scope } from "../keys/service";
import { randomToken } from "../lib/base64url";
import { secretsEqual } from "../lib/crypto";
import type { AdminContext, AdminEnv } from "./env";
import { readForm } from "./forms";
import { openSession, SESSION_SECONDS, type SessionClaims, sealSession } from "./session";
import { zoneOr } from "./zoned";

const SESSION_COOKIE = "admin_session";
const ZONE_COOKIE = "admin_tz";
const cookieOptions = { prefix: "host", path: "/", secure: true, httpOnly: true } as const;

export async function startSession(
	c: AdminContext,
	adminToken: string,
	keyId: number | null,
	scopes: Scope[],
) {
	const claims: SessionClaims = {
		root: keyId === null,
		keyId,
		scopes,
		expiresAt: Date.now() + SESSION_SECONDS * 1000,
		csrf: randomToken(),
	};
	setCookie(c, SESSION_COOKIE, await sealSession(adminToken, claims), {
		...cookieOptions,
		sameSite: "Strict",
		maxAge: SESSION_SECONDS,
	});
}

export const endSession = (c: AdminContext) => deleteCookie(c, SESSION_COOKIE, cookieOptions);

/** The console signs its cookies with a key derived from ADMIN_TOKEN; without it, it is off. */
export function adminToken(c: AdminContext): string {
	const token = c.env.ADMIN_TOKEN;
	if (!token) {
		throw new ApiError("unavailable", "The admin console needs the ADMIN_TOKEN secret to be set.");
	}
	return token;
}

/**
 * Refuses a POST that a browser sent from another site. Sec-Fetch-Site and Origin are set by the
 * browser, not by page scripts; clients that send neither cannot be a victim's browser and still
 * need the CSRF token. https://developer.mozilla.org/docs/Web/Security/Attacks/CSRF
 */
export function assertSameOrigin(c: AdminContext) {
	const site = c.req.header("Sec-Fetch-Site");
	const origin = c.req.header("Origin");
	if ((site && site !== "same-origin") || (origin && origin !== new URL(c.req.url).origin)) {
		throw new ApiError("forbidden", "This form was sent from another site.");
	}
}

/** A redirect to the sign-in page that comes back to the page asked for. */
function toSignIn(c: AdminContext, notice?: string) {
	const url = new URL(c.req.url);
	const next = c.req.method === "GET" ? url.pathname + url.search : "/admin";
	const query = new URLSearchParams({ next, ...(notice ? { done: notice } : {}) });
	return c.redirect(`/admin/sign-in?${query}`, 303);
}

export const requireSession: MiddlewareHandler<AdminEnv> = async (c, next) => {
	const cookie = getCookie(c, SESSION_COOKIE, "host");
	const claims = cookie && (await openSession(adminToken(c), cookie, Date.now()));
	if (!claims) {
		if (cookie) endSession(c);
		return toSignIn(c, cookie ? "expired" : undefined);
	}
	let name = "Root token";
	let scopes = effectiveScopes(["admin"]);
	if (!claims.root) {
		// Re-read on every request, so a revoked key's session ends on its next request.
		const key = claims.keyId === null ? undefined : await findLiveApiKey(c.var.db, claims.keyId);
		if (!key) {
			endSession(c);
			return toSignIn(c, "expired");
		}
		name = key.name;
		scopes = effectiveScopes(key.scopes);
	}
	c.set("principal", {
		id: claims.root ? "root" : `key:${claims.keyId}`,
		keyId: claims.keyId,
		scopes,
		// The session never holds the key itself; nothing the console does is keyed by it.
		secret: null,
	});
	c.set("user", {
		keyId: claims.keyId,
		name,
		scopes,
		csrf: claims.csrf,
		timezone: viewZone(c),
	});
	if (c.req.method === "POST") await checkPost(c, claims.csrf);
	await next();
	// Pages carry the CSRF token and private data: never store them in a shared cache.
	c.header("Cache-Control", "no-store");
};

async function checkPost(c: AdminContext, csrf: string) {
	assertSameOrigin(c);
	const sent = (await readForm(c)).get("csrf");
	if (typeof sent !== "string" || !(await secretsEqual(sent, csrf))) {
		throw new ApiError("forbidden", "The form's security token is missing or stale; reload it.");
	}
	if (!c.var.user.scopes.has("write") && c.req.path.replace(/\/$/, "") !== "/admin/sign-out") {
		throw new ApiError("forbidden", "This key is read-only: it cannot change anything.");
	}
}

/** The zone calendar pages use: ?tz= (remembered in a cookie), then the cookie, then UTC. */
function viewZone(c: AdminContext): string {
	const asked = c.req.query("tz");
	const zone = zoneOr(asked, zoneOr(getCookie(c, ZONE_COOKIE), "UTC"));
	if (asked && zone === asked) {
		setCookie(c, ZONE_COOKIE, zone, {
			path: "/admin",
			secure: true,
			httpOnly: true,
			sameSite: "Strict",
			maxAge: 365 * 86_400,
		});
	}
	return zone;
}
