// The admin console's sessions live in D1 (admin_sessions). The cookie holds only a random session
// id, signed (Hono's signed cookies, HMAC-SHA-256) with SESSION_SECRET, a secret of its own: no
// part of it is derived from ADMIN_TOKEN, so a cookie is no offline oracle for the root token. D1
// keeps the id's SHA-256 (a database reader cannot replay a session), the key it was opened with,
// the CSRF token and the expiry; deleting the row ends the session, whatever the browser kept.
import { and, eq, gt } from "drizzle-orm";
import type { Db } from "../db/client";
import { idempotent } from "../db/retry";
import { adminSessions, apiKeys } from "../db/schema";
import { liveKeyAt, type Scope } from "../keys/service";
import { randomToken } from "../lib/base64url";
import { sha256Hex } from "../lib/crypto";

export const SESSION_SECONDS = 8 * 60 * 60;

/** What randomToken() makes; anything else in a cookie is not looked up. */
export const isSessionId = (text: string) => /^[\w-]{43}$/.test(text);

/** Opens a session for an API key (null: the root token); answers its id and CSRF token. */
export async function createSession(db: Db, keyId: number | null, now: number) {
	const id = randomToken();
	const csrf = randomToken();
	await db.insert(adminSessions).values({
		hash: await sha256Hex(id),
		keyId,
		csrf,
		createdAt: now,
		expiresAt: now + SESSION_SECONDS * 1000,
	});
	return { id, csrf };
}

export interface OpenSession {
	keyId: number | null;
	csrf: string;
	/** The key's name and scopes; null when the key is revoked or expired (the session is over). */
	key: { name: string; scopes: Scope[]; expiresAt: number | null } | null;
}

/**
 * The unexpired session with this id, and its key if that is still live: one query (the session
 * row by primary key, left-joined to its key by primary key). Undefined when there is none.
 */
export async function findSession(
	db: Db,
	id: string,
	now: number,
): Promise<OpenSession | undefined> {
	const [row] = await db
		.select({
			keyId: adminSessions.keyId,
			csrf: adminSessions.csrf,
			keyName: apiKeys.name,
			keyScopes: apiKeys.scopes,
			keyExpiresAt: apiKeys.expiresAt,
		})
		.from(adminSessions)
		.leftJoin(apiKeys, and(eq(apiKeys.id, adminSessions.keyId), liveKeyAt(now)))
		.where(and(eq(adminSessions.hash, await sha256Hex(id)), gt(adminSessions.expiresAt, now)))
		.limit(1);
	if (!row) return undefined;
	const key =
		row.keyName !== null && row.keyScopes !== null
			? { name: row.keyName, scopes: row.keyScopes, expiresAt: row.keyExpiresAt }
			: null;
	return { keyId: row.keyId, csrf: row.csrf, key };
}

/** Ends a session: its cookie, wherever it was copied to, stops working at once. */
export async function deleteSession(db: Db, id: string) {
	await idempotent(db.delete(adminSessions).where(eq(adminSessions.hash, await sha256Hex(id))));
}
