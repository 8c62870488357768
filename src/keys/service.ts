import { and, asc, eq, gt, isNull, lt, or, type SQL, sql } from "drizzle-orm";
import { type CalendarScope, canSee } from "../db/calendar-scope";
import type { Db } from "../db/client";
import { idempotent } from "../db/retry";
import {
	type ApiKeyRow,
	type ApiKeyScope,
	adminSessions,
	apiKeyScopes,
	apiKeys,
	calendars,
} from "../db/schema";
import { ApiError, notFound } from "../http/problem";
import { secretsEqual, sha256Hex } from "../lib/crypto";
import { generateApiKey } from "./secrets";

export const scopes = apiKeyScopes;
export type Scope = ApiKeyScope;

/** Scopes nest: admin may do everything, write may also read. */
export function effectiveScopes(granted: readonly string[]): Set<Scope> {
	const effective = new Set<Scope>();
	if (granted.includes("admin")) effective.add("admin").add("write").add("read");
	if (granted.includes("write")) effective.add("write").add("read");
	if (granted.includes("read")) effective.add("read");
	return effective;
}

/** Who mints a key, as far as the minting rules go: the principal's id, scopes and expiry. */
export interface Minter {
	id: string;
	scopes: ReadonlySet<string>;
	/** Epoch ms when the minter itself expires; null or absent when it does not. */
	expiresAt?: number | null;
}

export const mintRuleMessages = {
	admin: "Only the root token mints admin keys; an admin key mints read and write keys.",
	scope: "A key may only mint keys with scopes it has itself.",
	outlive: "A key may not outlive the key that mints it.",
	calendars: "A key may only mint keys for calendars it sees itself.",
};

/**
 * The calendars of a key `minter` mints: as asked (deduplicated, in order), or when omitted the
 * minter's own (every calendar for an unscoped minter). A calendar the minter cannot see is 403:
 * no key mints a key that sees more than it does.
 */
export function mintedCalendars(
	minter: CalendarScope,
	asked: readonly number[] | undefined,
): number[] | null {
	if (asked === undefined) return minter.calendarIds === null ? null : [...minter.calendarIds];
	const ids = [...new Set(asked)].toSorted((a, b) => a - b);
	const unseen = ids.filter((id) => !canSee(minter, id));
	if (unseen.length > 0) {
		const message = `${mintRuleMessages.calendars} This one cannot see calendar ${unseen.join(", ")}.`;
		throw new ApiError("forbidden", message, { errors: [{ path: "calendar_ids", message }] });
	}
	return ids;
}

/** 400 unless every calendar exists: one indexed read, on key creation only. */
export async function assertCalendarsExist(db: Db, ids: readonly number[] | null) {
	if (ids === null || ids.length === 0) return;
	const found = await db
		.select({ id: calendars.id })
		.from(calendars)
		.where(sql`${calendars.id} IN (SELECT value FROM json_each(${JSON.stringify(ids)}))`);
	const known = new Set(found.map((row) => row.id));
	const missing = ids.filter((id) => !known.has(id));
	if (missing.length > 0) {
		const message = `No calendar ${missing.join(", ")}.`;
		throw new ApiError("validation", message, { errors: [{ path: "calendar_ids", message }] });
	}
}

/**
 * Keys a scoped caller may list and revoke: those whose calendars are all among its own (an
 * unscoped key sees more than it, so stays out). None for an unscoped caller: every key.
 */
function keysWithin(scope: CalendarScope): SQL | undefined {
	if (scope.calendarIds === null) return undefined;
	return sql`${apiKeys.calendarIds} IS NOT NULL AND NOT EXISTS (
		SELECT 1 FROM json_each(${apiKeys.calendarIds}) AS k
		WHERE k.value NOT IN (SELECT value FROM json_each(${JSON.stringify(scope.calendarIds)})))`;
}

/**
 * The expiry of a key `minter` may mint with `scopes` and the asked expiry, or 403. No key mints
 * a broader key: only the root token mints admin keys (so a leaked admin key cannot leave an
 * admin key behind when it is revoked), scopes stay within the minter's, and a key minted by an
 * expiring key expires no later (by default, with it).
 */
export function mintedExpiry(minter: Minter, scopes: Scope[], asked: number | null): number | null {
	const refuse = (message: string, path: string) =>
		new ApiError("forbidden", message, { errors: [{ path, message }] });
	if (scopes.includes("admin") && minter.id !== "root")
		throw refuse(mintRuleMessages.admin, "scopes");
	if (scopes.some((scope) => !minter.scopes.has(scope)))
		throw refuse(mintRuleMessages.scope, "scopes");
	const limit = minter.expiresAt ?? null;
	if (limit === null) return asked;
	if (asked !== null && asked > limit) {
		throw refuse(
			`${mintRuleMessages.outlive} This one expires at ${new Date(limit).toISOString()}.`,
			"expires_at",
		);
	}
	return asked ?? limit;
}

export async function createApiKey(
	db: Db,
	input: {
		name: string;
		scopes: Scope[];
		expiresAt: number | null;
		createdBy: string;
		calendarIds: number[] | null;
	},
	now: number,
) {
	await assertCalendarsExist(db, input.calendarIds);
	const secret = generateApiKey();
	const [row] = await db
		.insert(apiKeys)
		.values({
			name: input.name,
			prefix: secret.slice(0, 10),
			hash: await sha256Hex(secret),
			scopes: [...new Set(input.scopes)],
			createdAt: now,
			expiresAt: input.expiresAt,
			createdBy: input.createdBy,
			calendarIds: input.calendarIds,
		})
		.returning();
	if (!row) throw new Error("key insert returned no row");
	return { row, secret };
}

/** Live keys in id order, `limit` of them after `afterId` (keyset pagination). */
export function listApiKeys(
	db: Db,
	page: { afterId?: number; limit: number; scope: CalendarScope },
): Promise<ApiKeyRow[]> {
	return db
		.select()
		.from(apiKeys)
		.where(
			and(isNull(apiKeys.revokedAt), gt(apiKeys.id, page.afterId ?? 0), keysWithin(page.scope)),
		)
		.orderBy(asc(apiKeys.id))
		.limit(page.limit);
}

/** Revokes a key and, in the same batch, deletes its admin console sessions. */
export async function revokeApiKey(
	db: Db,
	id: number,
	now: number,
	scope: CalendarScope,
): Promise<ApiKeyRow> {
	const [[row]] = await db.batch([
		db
			.update(apiKeys)
			.set({ revokedAt: now })
			.where(and(eq(apiKeys.id, id), isNull(apiKeys.revokedAt), keysWithin(scope)))
			.returning(),
		db.delete(adminSessions).where(and(eq(adminSessions.keyId, id), sql`changes() > 0`)),
	]);
	if (!row) throw notFound("API key", id);
	return row;
}

/** last_used_at is rewritten at most this often per key, so that reads stay reads. */
export const LAST_USED_GRANULARITY_MS = 60 * 60 * 1000;

/** Whether a key's last_used_at is stale enough at `now` to be rewritten. */
export const lastUseIsStale = (lastUsedAt: number | null, now: number) =>
	lastUsedAt === null || lastUsedAt < now - LAST_USED_GRANULARITY_MS;

/**
 * Records a key's use: one UPDATE that changes nothing unless last_used_at is over an hour old,
 * so even racing requests write the row at most once an hour. Setting an absolute value, it is
 * safe to retry.
 */
export async function touchApiKey(db: Db, id: number, now: number) {
	await idempotent(
		db
			.update(apiKeys)
			.set({ lastUsedAt: now })
			.where(
				and(
					eq(apiKeys.id, id),
					or(isNull(apiKeys.lastUsedAt), lt(apiKeys.lastUsedAt, now - LAST_USED_GRANULARITY_MS)),
				),
			),
	);
}

/** Whether a secret has an API key's shape; anything else is never looked up. */
export const looksLikeApiKey = (secret: string) => /^cal_[\w-]{20,100}$/.test(secret);

/** A key that is neither revoked nor expired at `now`, as SQL. */
export const liveKeyAt = (now: number) =>
	and(isNull(apiKeys.revokedAt), or(isNull(apiKeys.expiresAt), gt(apiKeys.expiresAt, now)));

/** The live key a bearer secret belongs to, or undefined. One indexed lookup by hash. */
export async function findApiKey(
	db: Db,
	secret: string,
	now: number,
): Promise<ApiKeyRow | undefined> {
	if (!looksLikeApiKey(secret)) return undefined;
	const hash = await sha256Hex(secret);
	const row = await db.query.apiKeys.findFirst({
		where: and(eq(apiKeys.hash, hash), liveKeyAt(now)),
	});
	// The index lookup is on a hash, which leaks nothing about the secret; compare anyway.
	return row && (await secretsEqual(row.hash, hash)) ? row : undefined;
}

export function apiKeyJson(row: ApiKeyRow) {
	return {
		id: row.id,
		name: row.name,
		prefix: row.prefix,
		scopes: row.scopes,
		calendar_ids: row.calendarIds ?? null,
		created_at: new Date(row.createdAt).toISOString(),
		expires_at: isoOrNull(row.expiresAt),
		last_used_at: isoOrNull(row.lastUsedAt),
		created_by: row.createdBy,
	};
}

const isoOrNull = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
