import { and, asc, eq, gt, isNull } from "drizzle-orm";
import type { Db } from "../db/client";
import { type FeedTokenRow, feedTokens } from "../db/schema";
import { ApiError, notFound } from "../http/problem";
import { generateSecret } from "../keys/secrets";
import { secretsEqual, sha256Hex } from "../lib/crypto";
import { livePattern } from "../patterns/service";

/** Feed tokens start with this, so neither kind of secret can pass for the other. */
export const FEED_TOKEN_PREFIX = "calfeed_";
const tokenShape = /^calfeed_[\w-]{43}$/;

export const looksLikeFeedToken = (secret: string) => secret.startsWith(FEED_TOKEN_PREFIX);

/**
 * A new feed token for every feed, or with `patternId` for that series' feed only. The pattern
 * must be live now; one deleted later simply stops having a feed (404).
 */
export async function createFeedToken(
	db: Db,
	input: { name: string; patternId: number | null },
	options: { now: number; createdBy: string },
) {
	if (input.patternId !== null) {
		const pattern = await db.query.patterns.findFirst({
			where: livePattern(input.patternId),
			columns: { id: true },
		});
		if (!pattern) {
			const message = `Pattern ${input.patternId} does not exist.`;
			throw new ApiError("validation", message, { errors: [{ path: "pattern_id", message }] });
		}
	}
	const secret = generateSecret(FEED_TOKEN_PREFIX);
	const [row] = await db
		.insert(feedTokens)
		.values({
			name: input.name,
			prefix: secret.slice(0, FEED_TOKEN_PREFIX.length + 6),
			hash: await sha256Hex(secret),
			patternId: input.patternId,
			createdAt: options.now,
			createdBy: options.createdBy,
		})
		.returning();
	if (!row) throw new Error("feed token insert returned no row");
	return { row, secret };
}

/** Live tokens in id order, `limit` of them after `afterId` (keyset pagination). */
export function listFeedTokens(
	db: Db,
	page: { afterId?: number; limit: number },
): Promise<FeedTokenRow[]> {
	return db
		.select()
		.from(feedTokens)
		.where(and(isNull(feedTokens.revokedAt), gt(feedTokens.id, page.afterId ?? 0)))
		.orderBy(asc(feedTokens.id))
		.limit(page.limit);
}

export async function revokeFeedToken(db: Db, id: number, now: number): Promise<FeedTokenRow> {
	const [row] = await db
		.update(feedTokens)
		.set({ revokedAt: now })
		.where(and(eq(feedTokens.id, id), isNull(feedTokens.revokedAt)))
		.returning();
	if (!row) throw notFound("Feed token", id);
	return row;
}

/** The live token a secret belongs to, or undefined: one lookup on the unique hash index. */
export async function findFeedToken(db: Db, secret: string): Promise<FeedTokenRow | undefined> {
	if (!tokenShape.test(secret)) return undefined;
	const hash = await sha256Hex(secret);
	const row = await db.query.feedTokens.findFirst({
		where: and(eq(feedTokens.hash, hash), isNull(feedTokens.revokedAt)),
	});
	// The index lookup is on a hash, which leaks nothing about the secret; compare anyway.
	return row && (await secretsEqual(row.hash, hash)) ? row : undefined;
}

/** The address a token opens, on the origin of `base`: the whole calendar's feed, or its series'. */
export function feedUrl(base: string, token: { patternId: number | null; secret: string }) {
	const path =
		token.patternId === null
			? "/api/calendar.ics"
			: `/api/patterns/${token.patternId}/calendar.ics`;
	const url = new URL(path, base);
	url.searchParams.set("key", token.secret);
	return url.href;
}

export function feedTokenJson(row: FeedTokenRow) {
	return {
		id: row.id,
		name: row.name,
		prefix: row.prefix,
		pattern_id: row.patternId,
		created_at: new Date(row.createdAt).toISOString(),
		created_by: row.createdBy,
	};
}
