import { and, asc, eq, gt, isNull } from "drizzle-orm";
import { calendarForCreate } from "../calendars/service";
import { DEFAULT_CALENDAR_ID } from "../calendars/version";
import { type CalendarScope, visibleCalendars } from "../db/calendar-scope";
import type { Db } from "../db/client";
import { type FeedTokenRow, feedTokens } from "../db/schema";
import { ApiError, notFound } from "../http/problem";
import { generateSecret } from "../keys/secrets";
import { secretsEqual, sha256Hex } from "../lib/crypto";
import { visiblePattern } from "../patterns/service";

/** Feed tokens start with this, so neither kind of secret can pass for the other. */
export const FEED_TOKEN_PREFIX = "calfeed_";
const tokenShape = /^calfeed_[\w-]{43}$/;

export const looksLikeFeedToken = (secret: string) => secret.startsWith(FEED_TOKEN_PREFIX);

/**
 * A new feed token for one calendar's feeds, or with `patternId` for that series' feed only (in
 * the pattern's calendar). The pattern must be live now and the calendar visible to the caller;
 * a pattern deleted later simply stops having a feed (404).
 */
export async function createFeedToken(
	db: Db,
	input: { name: string; patternId: number | null; calendarId?: number },
	options: { now: number; createdBy: string; scope: CalendarScope },
) {
	let calendarId: number;
	if (input.patternId !== null) {
		const pattern = await db.query.patterns.findFirst({
			where: visiblePattern(input.patternId, options.scope),
			columns: { id: true, calendarId: true },
		});
		if (!pattern || (input.calendarId !== undefined && pattern.calendarId !== input.calendarId)) {
			const message = pattern
				? `Pattern ${input.patternId} is not in calendar ${input.calendarId}.`
				: `Pattern ${input.patternId} does not exist.`;
			throw new ApiError("validation", message, { errors: [{ path: "pattern_id", message }] });
		}
		calendarId = pattern.calendarId;
	} else {
		// Any zone: only the calendar's existence and visibility matter here.
		calendarId = (await calendarForCreate(db, input.calendarId, undefined, options.scope)).id;
	}
	const secret = generateSecret(FEED_TOKEN_PREFIX);
	const [row] = await db
		.insert(feedTokens)
		.values({
			name: input.name,
			prefix: secret.slice(0, FEED_TOKEN_PREFIX.length + 6),
			hash: await sha256Hex(secret),
			patternId: input.patternId,
			calendarId,
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
	page: { afterId?: number; limit: number; scope: CalendarScope },
): Promise<FeedTokenRow[]> {
	return db
		.select()
		.from(feedTokens)
		.where(
			and(
				isNull(feedTokens.revokedAt),
				gt(feedTokens.id, page.afterId ?? 0),
				visibleCalendars(feedTokens.calendarId, page.scope),
			),
		)
		.orderBy(asc(feedTokens.id))
		.limit(page.limit);
}

export async function revokeFeedToken(
	db: Db,
	id: number,
	now: number,
	scope: CalendarScope,
): Promise<FeedTokenRow> {
	const [row] = await db
		.update(feedTokens)
		.set({ revokedAt: now })
		.where(
			and(
				eq(feedTokens.id, id),
				isNull(feedTokens.revokedAt),
				visibleCalendars(feedTokens.calendarId, scope),
			),
		)
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

/**
 * The address a token opens, on the origin of `base`: its series' feed, or its calendar's (the
 * default calendar's keeps its old address, /api/calendar.ics).
 */
export function feedUrl(
	base: string,
	token: { patternId: number | null; calendarId: number; secret: string },
) {
	const path =
		token.patternId !== null
			? `/api/patterns/${token.patternId}/calendar.ics`
			: token.calendarId === DEFAULT_CALENDAR_ID
				? "/api/calendar.ics"
				: `/api/calendars/${token.calendarId}/calendar.ics`;
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
		calendar_id: row.calendarId,
		created_at: new Date(row.createdAt).toISOString(),
		created_by: row.createdBy,
	};
}
