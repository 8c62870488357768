import { and, asc, eq, gt, isNull, lt, or } from "drizzle-orm";
import type { Db } from "../db/client";
import { idempotent } from "../db/retry";
import {
	type ApiKeyRow,
	type ApiKeyScope,
	adminSessions,
	apiKeyScopes,
	apiKeys,
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
};

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
	input: { name: string; scopes: Scope[]; expiresAt: number | null; createdBy: string },
	now: number,
) {
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
		})
		.returning();
	if (!row) throw new Error("key insert returned no row");
	return { row, secret };
}

/** Live keys in id order, `limit` of them after `afterId` (keyset pagination). */
export function listApiKeys(
	db: Db,
	page: { afterId?: number; limit: number },
): Promise<ApiKeyRow[]> {
	return db
		.select()
		.from(apiKeys)
		.where(and(isNull(apiKeys.revokedAt), gt(apiKeys.id, page.afterId ?? 0)))
		.orderBy(asc(apiKeys.id))
		.limit(page.limit);
}

/** Revokes a key and, in the same batch, deletes its admin console sessions. */
export async function revokeApiKey(db: Db, id: number, now: number): Promise<ApiKeyRow> {
	const [[row]] = await db.batch([
		db
			.update(apiKeys)
			.set({ revokedAt: now })
			.where(and(eq(apiKeys.id, id), isNull(apiKeys.revokedAt)))
			.returning(),
		db.delete(adminSessions).where(eq(adminSessions.keyId, id)),
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
		created_at: new Date(row.createdAt).toISOString(),
		expires_at: isoOrNull(row.expiresAt),
		last_used_at: isoOrNull(row.lastUsedAt),
		created_by: row.createdBy,
	};
}

const isoOrNull = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
