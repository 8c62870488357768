// Feeds are polled by calendar apps, hourly or more, mostly to hear "nothing changed". Their ETag
// is therefore built from what the body is a function of, not from the body: the calendar's
// version (src/calendars/version.ts), the series, the year and the renderer. A matching
// If-None-Match costs one row (two for a series), never the sessions.
import type { Context } from "hono";
import { calendarVersion } from "../calendars/version";
import { assertFeedScope } from "../feed-tokens/auth";
import type { AppEnv } from "../http/app-env";
import { notModified } from "../http/etag";
import { renderFeed } from "./feed";
import { loadCalendar, loadSeries } from "./load";

/**
 * The renderer's own version: raise it with any change to what renderFeed writes for the same
 * rows, so a subscriber holding an older rendering's ETag fetches the new one.
 */
const FEED_FORMAT = 1;

/**
 * Besides its rows, a feed depends on the clock only through how far the VTIMEZONEs of open-ended
 * series reach (a year past "now"). Rendering at the last instant of the current UTC year covers
 * at least that much, and makes the body change with the year alone, which the ETag names.
 */
export function feedClock(now: number) {
	const year = new Date(now).getUTCFullYear();
	return { year, renderAt: Date.UTC(year + 1, 0, 1) - 1 };
}

/** Names everything the body depends on: renderer, calendar, series, the calendar's version, year. */
export function feedEtag(feed: {
	calendarId: number;
	patternId: number | null;
	version: number;
	year: number;
}) {
	const series = feed.patternId === null ? "" : `.p${feed.patternId}`;
	return `"f${FEED_FORMAT}.c${feed.calendarId}${series}.v${feed.version}.y${feed.year}"`;
}

/**
 * A whole calendar's feed (`calendarId`) or one series' (`patternId`), with a version-built ETag.
 * Every read carries the caller's calendars: a calendar or series outside them is 404.
 */
export async function serveFeed(
	c: Context<AppEnv>,
	feed:
		| { calendarId: number; patternId?: undefined }
		| { patternId: number; calendarId?: undefined },
) {
	const patternId = feed.patternId ?? null;
	assertFeedScope(c.var.principal, patternId);
	const { db } = c.var;
	const scope = c.var.principal;
	const { year, renderAt } = feedClock(Date.now());
	const etagAt = (calendarId: number, version: number) =>
		feedEtag({ calendarId, patternId, version, year });
	if (c.req.header("If-None-Match") !== undefined) {
		const [calendar] = await calendarVersion(db, {
			patternId: feed.patternId,
			calendarId: feed.calendarId,
			scope,
		});
		// A deleted series is no longer there to be "not modified": it goes on to its 404.
		if (calendar) {
			const etag = etagAt(calendar.id, calendar.version);
			if (notModified(c, etag)) return c.body(null, 304, { ETag: etag });
		}
	}
	const data =
		feed.patternId === undefined
			? await loadCalendar(db, feed.calendarId, scope)
			: await loadSeries(db, feed.patternId, scope);
	const name =
		feed.patternId === undefined
			? (data.calendar?.name ?? "Calendar API")
			: (data.patterns[0]?.title ?? "Calendar API");
	const body = renderFeed({
		name,
		patterns: data.patterns,
		sessions: data.sessions,
		now: renderAt,
	});
	// Without a calendar row there is no version to trust; hashedEtags then hashes the bytes.
	const etag =
		data.version === undefined || data.calendar === undefined
			? {}
			: { ETag: etagAt(data.calendar.id, data.version) };
	return c.body(body, 200, { "Content-Type": "text/calendar; charset=utf-8", ...etag });
}
