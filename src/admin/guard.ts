// Who may see and change what in the console. Every page needs a valid session cookie; every POST
// also needs a same-origin request, the session's CSRF token and, except signing out, write scope.
import type { MiddlewareHandler } from "hono";
import { deleteCookie, getCookie, getSignedCookie, setCookie, setSignedCookie } from "hono/cookie";
import { MIN_SECRET_LENGTH, strongRootToken } from "../auth/failure-budget";
import { ApiError } from "../http/problem";
import { effectiveScopes } from "../keys/service";
import { secretsEqual } from "../lib/crypto";
import type { AdminContext, AdminEnv } from "./env";
import { readForm } from "./forms";
import { createSession, deleteSession, findSession, isSessionId, SESSION_SECONDS } from "./session";
import { zoneOr } from "./zoned";

const SESSION_COOKIE = "admin_session";
const ZONE_COOKIE = "admin_tz";
const cookieOptions = { prefix: "host", path: "/", secure: true, httpOnly: true } as const;

/**
 * The console signs its cookies with SESSION_SECRET, its own secret (never derived from
 * ADMIN_TOKEN); without a strong one, the console is off.
 */
export function sessionSecret(c: AdminContext): string {
	const secret = c.env.SESSION_SECRET;
	if (!secret || secret.length < MIN_SECRET_LENGTH) {
		throw new ApiError(
			"unavailable",
			`The admin console is off: set the SESSION_SECRET secret to at least ${MIN_SECRET_LENGTH} random characters (e.g. \`openssl rand -base64 32 | npx wrangler secret put SESSION_SECRET\`).`,
		);
	}
	return secret;
}

/** Opens a session (a D1 row) for an API key or, with null, the root token, and sets its cookie. */
export async function startSession(c: AdminContext, keyId: number | null) {
	const secret = sessionSecret(c);
	const { id } = await createSession(c.var.db, keyId, Date.now());
	await setSignedCookie(c, SESSION_COOKIE, id, secret, {
		...cookieOptions,
		sameSite: "Strict",
		maxAge: SESSION_SECONDS,
	});
}

/** The session id of a cookie whose signature verifies; false for a bad one, undefined for none. */
async function sessionId(c: AdminContext): Promise<string | false | undefined> {
	const id = await getSignedCookie(c, sessionSecret(c), SESSION_COOKIE, "host");
	if (typeof id === "string") return isSessionId(id) && id;
	// Hono skips a value without a signature; it is still a bad cookie, to be cleared.
	return id === undefined && getCookie(c, SESSION_COOKIE, "host") !== undefined ? false : id;
}

export const endSession = (c: AdminContext) => deleteCookie(c, SESSION_COOKIE, cookieOptions);

/** Signing out deletes the session's row: a copy of the cookie stops working at once. */
export async function closeSession(c: AdminContext) {
	const id = await sessionId(c);
	if (id) await deleteSession(c.var.db, id);
	endSession(c);
}

/**
 * Refuses a POST that a browser sent from another site. Sec-Fetch-Site and Origin are set by the
 * browser, not by page scripts; clients that send neither cannot be a victim's browser and still
 * need the CSRF token. https://developer.mozilla.org/docs/Web/Security/Attacks/CSRF
 * Kept instead of hono/csrf, which passes a request when either header looks right: this refuses
 * one when either header says another site, and the form's CSRF token is checked besides.
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
	const id = await sessionId(c);
	// One query: the session row and, joined to it, its key if still live.
	const session = id ? await findSession(c.var.db, id, Date.now()) : undefined;
	const root = session?.keyId === null;
	// A root session ends when the root token is turned off; a key's, when its key is not live.
	if (!session || (root ? !strongRootToken(c.env) : !session.key)) {
		if (id !== undefined) endSession(c);
		return toSignIn(c, id !== undefined ? "expired" : undefined);
	}
	const name = session.key?.name ?? "Root token";
	const scopes = effectiveScopes(session.key?.scopes ?? ["admin"]);
	c.set("principal", {
		id: root ? "root" : `key:${session.keyId}`,
		keyId: session.keyId,
		scopes,
		// The session never holds the key itself; nothing the console does is keyed by it.
		secret: null,
		expiresAt: session.key?.expiresAt ?? null,
		calendarIds: session.key?.calendarIds ?? null,
	});
	c.set("user", {
		keyId: session.keyId,
		name,
		scopes,
		csrf: session.csrf,
		timezone: viewZone(c),
		calendarId: viewCalendar(c),
	});
	if (c.req.method === "POST") await checkPost(c, session.csrf);
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

/**
 * The calendar the pages show: ?cal= (remembered in a cookie; ?cal=all forgets it), then the
 * cookie; undefined shows every calendar the key sees. Only an id: what it may see is the SQL's.
 */
function viewCalendar(c: AdminContext): number | undefined {
	const asked = c.req.query("cal");
	const parse = (raw: string | undefined) =>
		raw && /^\d{1,15}$/.test(raw) && Number(raw) > 0 ? Number(raw) : undefined;
	if (asked !== undefined) {
		const id = parse(asked);
		setCookie(c, CALENDAR_COOKIE, id === undefined ? "" : String(id), {
			path: "/admin",
			secure: true,
			httpOnly: true,
			sameSite: "Strict",
			maxAge: id === undefined ? 0 : 365 * 86_400,
		});
		return id;
	}
	return parse(getCookie(c, CALENDAR_COOKIE));
}

const CALENDAR_COOKIE = "calendar_view";

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
