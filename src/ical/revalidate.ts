// Feeds are polled by calendar apps, hourly or more, mostly to hear "nothing changed". Their ETag
// is therefore built from what the body is a function of, not from the body: the calendar's
// version (src/calendars/version.ts), the series, the year and the renderer. A matching
// If-None-Match costs one row (two for a series), never the sessions.
import type { Context } from "hono";
import { calendarVersion, DEFAULT_CALENDAR_ID } from "../calendars/version";
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

/** The whole calendar's feed (patternId null) or one series', with a version-built ETag. */
export async function serveFeed(c: Context<AppEnv>, patternId: number | null) {
	assertFeedScope(c.var.principal, patternId);
	const { db } = c.var;
	const { year, renderAt } = feedClock(Date.now());
	const etagAt = (version: number) =>
		feedEtag({ calendarId: DEFAULT_CALENDAR_ID, patternId, version, year });
	if (c.req.header("If-None-Match") !== undefined) {
		const [calendar] = await calendarVersion(db, { patternId: patternId ?? undefined });
		// A deleted series is no longer there to be "not modified": it goes on to its 404.
		if (calendar?.live) {
			const etag = etagAt(calendar.version);
			if (notModified(c, etag)) return c.body(null, 304, { ETag: etag });
		}
	}
	const data = patternId === null ? await loadCalendar(db) : await loadSeries(db, patternId);
	const name = patternId === null ? "Calendar API" : (data.patterns[0]?.title ?? "Calendar API");
	const body = renderFeed({ name, ...data, now: renderAt });
	// Without a calendar row there is no version to trust; hashedEtags then hashes the bytes.
	const etag = data.version === undefined ? {} : { ETag: etagAt(data.version) };
	return c.body(body, 200, { "Content-Type": "text/calendar; charset=utf-8", ...etag });
}
