// The one credential a feed address may carry: `?key=<feed token>`. Calendar apps cannot send
// headers, so the secret sits in a URL that gets pasted, synced and logged; it must open the feeds
// and nothing else. Every other credential in ?key= is refused, so a feed address can never write.
import type { Db } from "../db/client";
import type { Principal } from "../http/app-env";
import { ApiError } from "../http/problem";
import { findFeedToken, looksLikeFeedToken } from "./service";

const feedPaths = /^\/api\/(?:(?:patterns|calendars)\/[^/]+\/)?calendar\.ics\/?$/;

export const isFeedPath = (pathname: string) => feedPaths.test(pathname);

const READ_ONLY: ReadonlySet<string> = new Set(["read"]);

const rejected = (detail: string, error: string) =>
	new ApiError("unauthorized", detail, {
		headers: { "WWW-Authenticate": `Bearer realm="calendar", error="${error}"` },
	});

/**
 * The principal of a request's `?key=`, or undefined when it has none. Only a live feed token
 * passes (one lookup on its unique hash), and only on a feed path; the principal it yields can
 * read, and only the feeds (the routes check its series, see assertFeedScope).
 */
export async function authenticateFeedKey(
	db: Db,
	url: URL,
	authorization: string | undefined,
): Promise<Principal | undefined> {
	const keys = url.searchParams.getAll("key");
	if (keys.length === 0) return undefined;
	if (!isFeedPath(url.pathname)) {
		throw rejected(
			"?key= is accepted only on the .ics feeds; send API keys as Authorization: Bearer <key>.",
			"invalid_request",
		);
	}
	if (keys.length > 1) {
		throw new ApiError("validation", "key: `key` must be given once.", {
			errors: [{ path: "key", message: "`key` must be given once." }],
		});
	}
	const [key] = keys;
	if (key === undefined || authorization !== undefined) {
		throw rejected(
			"Send one credential: a feed token as ?key= or a key as Authorization: Bearer <key>.",
			"invalid_request",
		);
	}
	if (!looksLikeFeedToken(key)) {
		throw rejected(
			"?key= takes a feed token; create one with POST /api/feed-tokens.",
			"invalid_token",
		);
	}
	const token = await findFeedToken(db, key);
	if (!token) throw rejected("The feed token is not valid (unknown or revoked).", "invalid_token");
	return {
		id: `feed:${token.id}`,
		keyId: null,
		scopes: READ_ONLY,
		secret: key,
		feed: { tokenId: token.id, patternId: token.patternId },
		calendarIds: [token.calendarId],
	};
}

/** A feed token limited to one series opens that series' feed only (403 elsewhere). */
export function assertFeedScope(principal: Principal, patternId: number | null) {
	const allowed = principal.feed?.patternId ?? null;
	if (allowed === null || allowed === patternId) return;
	throw new ApiError(
		"forbidden",
		`This feed token opens only the feed of pattern ${allowed}: /api/patterns/${allowed}/calendar.ics.`,
	);
}

/** Why a bearer secret that is no API key failed: a feed token is told where it belongs. */
export const misplacedSecretDetail = (secret: string) =>
	looksLikeFeedToken(secret)
		? "A feed token opens only the .ics feeds, sent as ?key=; the JSON API takes API keys."
		: undefined;
