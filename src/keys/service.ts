import { and, asc, eq, gt, isNull } from "drizzle-orm";
import type { Db } from "../db/client";
import { type ApiKeyRow, type ApiKeyScope, apiKeyScopes, apiKeys } from "../db/schema";
import { notFound } from "../http/problem";
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

export async function createApiKey(db: Db, input: { name: string; scopes: Scope[] }, now: number) {
	const secret = generateApiKey();
	const [row] = await db
		.insert(apiKeys)
		.values({
			name: input.name,
			prefix: secret.slice(0, 10),
			hash: await sha256Hex(secret),
			scopes: [...new Set(input.scopes)],
			createdAt: now,
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

export async function revokeApiKey(db: Db, id: number, now: number): Promise<ApiKeyRow> {
	const [row] = await db
		.update(apiKeys)
		.set({ revokedAt: now })
		.where(and(eq(apiKeys.id, id), isNull(apiKeys.revokedAt)))
		.returning();
	if (!row) throw notFound("API key", id);
	return row;
}

/** A live (unrevoked) key by id: one primary-key read. */
export function findLiveApiKey(db: Db, id: number) {
	return db.query.apiKeys.findFirst({
		where: and(eq(apiKeys.id, id), isNull(apiKeys.revokedAt)),
		columns: { name: true, scopes: true },
	});
}

/** The live key a bearer secret belongs to, or undefined. One indexed lookup by hash. */
export async function findApiKey(db: Db, secret: string): Promise<ApiKeyRow | undefined> {
	if (!/^cal_[\w-]{20,100}$/.test(secret)) return undefined;
	const hash = await sha256Hex(secret);
	const row = await db.query.apiKeys.findFirst({
		where: and(eq(apiKeys.hash, hash), isNull(apiKeys.revokedAt)),
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
	};
}
